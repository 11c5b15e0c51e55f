package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.github.bamjava.internal.weights.ArrayTensor;
import io.github.bamjava.internal.weights.ArrayUpload;
import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
    /** Copies the lists. */
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
   * Every parameter's values where they lie, by name, for writing them out without a copy on the Java heap: views
   * that read the parameters when they are read, so read them before the next change.
   */
  public static LinkedHashMap<String, FloatTensor> views(Map<String, Parameter> parameters) {
    LinkedHashMap<String, FloatTensor> out = new LinkedHashMap<>();
    parameters.forEach((name, p) -> out.put(name, new ArrayTensor(p.getArray())));
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
      Map<String, ? extends FloatTensor> tensors, Predicate<String> mayInitialize, Predicate<String> ignore) {
    Map<String, long[]> expected = new LinkedHashMap<>();
    parameters.forEach((name, p) -> expected.put(name, p.getArray().getShape().getShape()));
    Map<String, long[]> found = new LinkedHashMap<>();
    tensors.forEach((name, t) -> found.put(name, t.shape()));
    LoadReport report = checkFits(source, expected, found, mayInitialize, ignore);
    // In-place copies keep each array's identity (and its gradient slot) that the optimizer holds on to, and
    // leave no host copy behind in direct memory (see ArrayUpload).
    ArrayUpload upload = new ArrayUpload();
    parameters.forEach((name, p) -> {
      FloatTensor t = tensors.get(name);
      if (t != null) {
        upload.copy(t.buffer(), p.getArray());
      }
    });
    return report;
  }

  /**
   * Checks that tensors of the shapes {@code found} fit parameters of the shapes {@code expected}, without
   * touching any data: what {@link #load} checks first, and what a checkpoint's header can be checked against
   * before a model is built.
   *
   * @throws IllegalArgumentException listing every missing, unexpected and mis-shaped tensor
   */
  public static LoadReport checkFits(String source, Map<String, long[]> expected, Map<String, long[]> found,
      Predicate<String> mayInitialize, Predicate<String> ignore) {
    return checkFits(source, expected, found, mayInitialize, ignore, name -> "");
  }

  /**
   * {@link #checkFits(String, Map, Map, Predicate, Predicate)}, saying for each mis-shaped tensor where the
   * model's shape comes from ({@code shapeSource}: the config fields that size it, say).
   */
  public static LoadReport checkFits(String source, Map<String, long[]> expected, Map<String, long[]> found,
      Predicate<String> mayInitialize, Predicate<String> ignore, Function<String, String> shapeSource) {
    List<String> problems = new ArrayList<>();
    List<String> initialized = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    expected.forEach((name, shape) -> {
      long[] t = found.get(name);
      if (t == null) {
        if (mayInitialize.test(name)) {
          initialized.add(name);
        } else {
          problems.add("missing " + name + " " + Arrays.toString(shape));
        }
      } else if (!Arrays.equals(t, shape)) {
        problems.add("mis-shaped " + name + ": checkpoint " + Arrays.toString(t) + ", model "
            + Arrays.toString(shape) + shapeSource.apply(name));
      }
    });
    found.forEach((name, shape) -> {
      if (!expected.containsKey(name)) {
        if (ignore.test(name)) {
          ignored.add(name);
        } else {
          problems.add("unexpected " + name + " " + Arrays.toString(shape));
        }
      }
    });
    if (!problems.isEmpty()) {
      String nl = System.lineSeparator() + "  ";
      throw new IllegalArgumentException(source + " does not fit the model (" + problems.size() + " problem(s)):"
          + nl + String.join(nl, problems));
    }
    return new LoadReport(initialized, ignored);
  }
}
