package io.github.bamjava.export;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.encoder.Architecture;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.model.HeadRegistry;
import io.github.bamjava.model.HeadSpec;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Writes a task of a multi-task model as a HuggingFace {@code BertForSequenceClassification} folder, which
 * {@code transformers}' {@code AutoModelForSequenceClassification} and {@code AutoTokenizer} load as they are.
 *
 * <p>Only a head that class computes exactly is written: the standard head on {@code [CLS]} through BERT's
 * pooler, then a linear layer ({@code classifier}), for classification or for regression with a linear output.
 * Other heads are refused with the reason rather than written as something that answers differently: mean
 * pooling (the class reads the pooler), a sigmoid regression output (its regression output is linear), a custom
 * head. A regression head's last layer is rescaled onto the task's range, so that the logit is the score on the
 * task's own scale (0-5 for STS-B), as HuggingFace's regression models are trained; BAM's head predicts it on
 * [0, 1]. Dropout is not part of the answer: both sides drop nothing at inference.
 *
 * <p>The folder holds {@code config.json} (the encoder's, with {@code architectures}, {@code id2label},
 * {@code label2id}, {@code num_labels} and {@code problem_type}), {@code model.safetensors} (the encoder under
 * {@code bert.}, the head as {@code classifier.weight} and {@code classifier.bias}, FP32) and the model's
 * tokenizer files.
 */
public final class SequenceClassificationExport {
  private SequenceClassificationExport() {}

  /** The HuggingFace class an exported folder is. */
  public static final String ARCHITECTURE = "BertForSequenceClassification";
  /** The label of a regression task's one output in {@code id2label}. */
  public static final String REGRESSION_LABEL = "score";

  private static final String WEIGHTS = "model.safetensors";

  /** Why {@code task}'s head has no exact HuggingFace counterpart; empty when it maps onto {@link #ARCHITECTURE}. */
  public static Optional<String> refusal(BamModel model, String task) {
    HeadSpec head = model.head(task);
    Architecture encoder = model.network().encoder().config().architecture();
    if (encoder != Architecture.BERT) {
      // RoBERTa's and ELECTRA's classification heads are not BERT's pooler + linear, and DistilBERT's
      // pre-classifier has another name and activation: writing BERT names over them would load as another model.
      return Optional.of(String.format("its encoder is %s, and %s holds a BERT encoder; the %s classes' own heads"
          + " are not this head", encoder.modelType(), ARCHITECTURE, encoder.modelType()));
    }
    if (!head.type().equals(HeadRegistry.STANDARD)) {
      return Optional.of(String.format("its head is the custom head '%s', which no HuggingFace class computes",
          head.type()));
    }
    if (head.options().pooling() != Pooling.CLS_POOLER) {
      return Optional.of(String.format("its head reads the %s pooling of the token vectors, but %s reads [CLS]"
          + " through BERT's pooler (train with pooling %s to export it)", head.options().pooling().jsonName(),
          ARCHITECTURE, Pooling.CLS_POOLER.jsonName()));
    }
    if (model.kind(task) instanceof TaskKind.Regression
        && head.options().regressionOutput() != RegressionOutput.LINEAR) {
      return Optional.of(String.format("its regression head ends in a %s, but %s's regression output is linear"
          + " (train with regression output %s to export it)", head.options().regressionOutput().jsonName(),
          ARCHITECTURE, RegressionOutput.LINEAR.jsonName()));
    }
    return Optional.empty();
  }

  /**
   * Exports each of {@code tasks} that maps into {@code outputDir/<task>/}, and says why the others were not.
   *
   * @param tasks the tasks to export; every task of the model when empty
   * @throws IllegalArgumentException for a task the model does not have, or a task folder that exists already
   * @throws IOException when a file cannot be written
   */
  public static List<TaskExport> exportAll(BamModel model, List<String> tasks, Path outputDir) throws IOException {
    List<String> chosen = tasks.isEmpty() ? model.tasks() : tasks;
    for (String task : chosen) {
      // An unknown task fails in refusal(), naming the model's tasks, before anything is written.
      checkArgument(refusal(model, task).isPresent() || !Files.exists(folderOf(outputDir, task)),
          "%s exists already: remove it or choose another output directory", folderOf(outputDir, task));
    }
    List<TaskExport> done = new ArrayList<>();
    for (String task : chosen) {
      Optional<String> refusal = refusal(model, task);
      if (refusal.isPresent()) {
        done.add(new TaskExport(task, null, refusal.get()));
      } else {
        done.add(new TaskExport(task, write(model, task, folderOf(outputDir, task)), null));
      }
    }
    return done;
  }

  private static Path folderOf(Path outputDir, String task) {
    checkArgument(!task.isEmpty() && !task.equals(".") && !task.equals("..") && !task.contains("/")
        && !task.contains("\\"), "task name '%s' cannot name a folder", task);
    return outputDir.resolve(task);
  }

  /**
   * Writes {@code task} into {@code dir}, which must not exist: the files are written into a sibling folder that
   * is then renamed, so {@code dir} appears complete or not at all.
   *
   * @return {@code dir}
   * @throws IllegalArgumentException with {@link #refusal}'s reason when the head does not map, or when {@code
   *     dir} exists
   */
  public static Path write(BamModel model, String task, Path dir) throws IOException {
    Optional<String> refusal = refusal(model, task);
    checkArgument(refusal.isEmpty(), "task %s cannot be exported as %s: %s", task, ARCHITECTURE,
        refusal.orElse(null));
    checkArgument(!Files.exists(dir), "%s exists already: remove it or choose another output directory", dir);
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = AtomicFiles.createTempDirectory(parent, dir.getFileName() + ".tmp-");
    try {
      AtomicFiles.writeString(tmp.resolve("config.json"), config(model, task));
      SafeTensors.write(tmp.resolve(WEIGHTS), tensors(model, task), Map.of("format", "pt"));
      model.pretrained().writeTokenizerFiles(tmp);
      AtomicFiles.move(tmp, dir);
    } finally {
      AtomicFiles.deleteRecursively(tmp);
    }
    return dir;
  }

  /** The {@code config.json} of {@code task}'s export: the encoder's config with the classification fields. */
  public static String config(BamModel model, String task) {
    JsonObject config = JsonParser.parseString(model.network().encoder().config().toJson()).getAsJsonObject();
    JsonArray architectures = new JsonArray();
    architectures.add(ARCHITECTURE);
    config.add("architectures", architectures);
    List<String> labels = labels(model.kind(task));
    JsonObject id2label = new JsonObject();
    JsonObject label2id = new JsonObject();
    for (int i = 0; i < labels.size(); i++) {
      id2label.addProperty(Integer.toString(i), labels.get(i));
      label2id.addProperty(labels.get(i), i);
    }
    config.add("id2label", id2label);
    config.add("label2id", label2id);
    config.addProperty("num_labels", labels.size());
    config.addProperty("problem_type", model.kind(task) instanceof TaskKind.Regression ? "regression"
        : "single_label_classification");
    config.addProperty("pad_token_id", model.tokenizer().padId());
    config.addProperty("torch_dtype", "float32");
    return new GsonBuilder().setPrettyPrinting().create().toJson(config);
  }

  private static List<String> labels(TaskKind kind) {
    return kind instanceof TaskKind.Classification c ? c.labels() : List.of(REGRESSION_LABEL);
  }

  /**
   * The tensors of {@code task}'s export under HuggingFace's names: every encoder tensor as saved ({@code bert.…},
   * the pooler included), and the head's linear layer as {@code classifier.weight} [k, hidden] and {@code
   * classifier.bias} [k], rescaled onto the label range for regression.
   */
  public static LinkedHashMap<String, HostTensor> tensors(BamModel model, String task) {
    Map<String, HostTensor> weights = model.weights();
    LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
    weights.forEach((name, tensor) -> {
      if (name.startsWith(CheckpointLayout.ENCODER_PREFIX)) {
        out.put(name, tensor);
      }
    });
    String head = CheckpointLayout.headPrefix(task);
    HostTensor weight = required(weights.get(head + "dense.weight"), head + "dense.weight", task);
    HostTensor bias = required(weights.get(head + "dense.bias"), head + "dense.bias", task);
    if (model.kind(task) instanceof TaskKind.Regression r) {
      // score = min + (max - min) * (w.x + b): fold the range into the layer.
      float span = (float) (r.max() - r.min());
      weight = scaled(weight, span, 0f);
      bias = scaled(bias, span, (float) r.min());
    }
    out.put("classifier.weight", weight);
    out.put("classifier.bias", bias);
    return out;
  }

  private static HostTensor required(@Nullable HostTensor tensor, String name, String task) {
    checkArgument(tensor != null, "the standard head of task %s has no tensor %s", task, name);
    return tensor;
  }

  private static HostTensor scaled(HostTensor t, float factor, float offset) {
    float[] values = new float[t.values().length];
    for (int i = 0; i < values.length; i++) {
      values[i] = t.values()[i] * factor + offset;
    }
    return new HostTensor(t.shape(), values);
  }
}
