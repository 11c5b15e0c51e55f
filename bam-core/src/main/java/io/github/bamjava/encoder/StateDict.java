package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.github.bamjava.weights.ArrayUpload;
import io.github.bamjava.weights.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Moves weights between named DJL parameters and {@link HostTensor} maps (what weight files hold).
 *
 * <p>Loading is all or nothing: every missing, unexpected or mis-shaped tensor is listed in one error, so a
 * checkpoint that does not fit is never half-loaded and no weight is silently left at its random
 * initialisation. Only parameters the caller names as initialisable (BERT's pooler, absent from
 * sentence-embedding exports) may be missing; they are reported in the returned {@link LoadReport}.
 */
public final class StateDict {
  private StateDict() {}

  /**
   * What a load did besides copying: parameters kept at their initialisation and checkpoint tensors skipped.
   *
   * @param initialized parameters absent from the checkpoint that were allowed to keep their initial values
   * @param ignored checkpoint tensors that belong to no parameter and were skipped on purpose
   */
  public record LoadReport(List<String> initialized, List<String> ignored) {
    public LoadReport {
      initialized = List.copyOf(initialized);
      ignored = List.copyOf(ignored);
    }
  }

  /** A copy of every parameter's current values, by name. */
  public static LinkedHashMap<String, HostTensor> snapshot(Map<String, Parameter> parameters) {
    LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
    parameters.forEach((name, p) -> {
      NDArray array = p.getArray();
      out.put(name, new HostTensor(array.getShape().getShape(), array.toType(DataType.FLOAT32, false)
          .toFloatArray()));
    });
    return out;
  }

  /**
   * Copies {@code tensors} into {@code parameters} in place.
   *
   * @param source names the checkpoint in error messages (a path or a resource name)
   * @param mayInitialize parameters that may be missing from the checkpoint
   * @param ignore checkpoint tensors to skip (such as a pre-training head)
   * @throws IllegalArgumentException listing every missing, unexpected and mis-shaped tensor
   */
  public static LoadReport load(String source, Map<String, Parameter> parameters,
      Map<String, HostTensor> tensors, Predicate<String> mayInitialize, Predicate<String> ignore) {
    List<String> problems = new ArrayList<>();
    List<String> initialized = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      HostTensor t = tensors.get(e.getKey());
      long[] expected = e.getValue().getArray().getShape().getShape();
      if (t == null) {
        if (mayInitialize.test(e.getKey())) {
          initialized.add(e.getKey());
        } else {
          problems.add("missing " + e.getKey() + " " + Arrays.toString(expected));
        }
      } else if (!Arrays.equals(t.shape(), expected)) {
        problems.add("mis-shaped " + e.getKey() + ": checkpoint " + t.shapeString()
            + ", model " + Arrays.toString(expected));
      }
    }
    for (String name : tensors.keySet()) {
      if (!parameters.containsKey(name)) {
        if (ignore.test(name)) {
          ignored.add(name);
        } else {
          problems.add("unexpected " + name + " " + tensors.get(name).shapeString());
        }
      }
    }
    checkArgument(problems.isEmpty(), "%s does not fit the model (%s problem(s)):%n  %s",
        source, problems.size(), String.join(System.lineSeparator() + "  ", problems));
    // In-place copies keep each array's identity (and its gradient slot) that the optimizer holds on to, and
    // leave no host copy behind in direct memory (see ArrayUpload).
    ArrayUpload upload = new ArrayUpload();
    parameters.forEach((name, p) -> {
      HostTensor t = tensors.get(name);
      if (t != null) {
        upload.copy(t.values(), p.getArray());
      }
    });
    return new LoadReport(initialized, ignored);
  }
}
