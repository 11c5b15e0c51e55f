package io.github.bamjava.serving;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.modality.Classifications;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Inputs;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.text.EncodedPair;
import io.github.bamjava.text.PairTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The DJL translator of one task of a {@link ServableModel}: text in, the task's answer out.
 *
 * <p>Inputs: a {@link String} (a single sentence), a {@link TextPair}, or DJL Serving's {@link Input} (a JSON
 * object {@code {"text": "...", "text_pair": "..."}}, {@code text_pair} optional, or a plain-text body read as
 * one sentence). Outputs: {@link Classifications} over the task's label names for a classification task, the
 * score on the task's own scale as a {@link Float} for a regression task (clamped to its range, as {@code bam
 * predict} prints it), or DJL Serving's {@link Output} holding either as JSON.
 *
 * <p>A batch is tokenized and padded to its longest input as training pads it, and the head's output is read
 * as {@code BamModel.predict} reads it, so the answers are those of {@code BamModel.predict}. Translators hold no
 * state between calls and may be shared; a DJL {@code Predictor} itself is used by one thread at a time.
 *
 * @param <I> {@link String}, {@link TextPair} or {@link Input}
 * @param <O> {@link Classifications}, {@link Float} or {@link Output}
 */
public final class TaskTranslator<I, O> implements Translator<I, O> {

  /** The input types a translator accepts. */
  public static final List<Class<?>> INPUT_TYPES = List.of(String.class, TextPair.class, Input.class);

  /** The id of the examples made from inputs: an id is required, and errors name an input by its place. */
  private static final String ID = "input";

  private final String task;
  private final int head;
  private final TaskKind kind;
  private final Inputs inputs;
  private final PairTokenizer tokenizer;
  private final BertConfig config;
  private final int maxLength;
  private final Function<I, Example> reader;
  private final Function<float[], O> writer;

  private TaskTranslator(ServableModel model, String task, int maxLength, Function<I, Example> reader,
      Function<float[], O> writer) {
    this.task = task;
    this.head = model.tasks().indexOf(task);
    this.kind = model.task(task).kind();
    this.inputs = model.task(task).inputs();
    this.tokenizer = model.tokenizer();
    this.config = model.network().encoder().config();
    this.maxLength = maxLength;
    this.reader = reader;
    this.writer = writer;
  }

  /**
   * The translator of {@code task} for these types.
   *
   * @param maxLength the longest input in tokens, special tokens included; longer inputs are cut longest-first
   * @throws IllegalArgumentException naming the model's tasks for an unknown task, and the types that fit for an
   *     input or output type that does not fit the task (a {@link Float} for a classification task, say), or a
   *     length outside [3, the encoder's positions]
   */
  public static <I, O> TaskTranslator<I, O> of(ServableModel model, String task, Class<I> input, Class<O> output,
      int maxLength) {
    TaskKind kind = model.task(task).kind();
    int positions = model.network().encoder().config().maxPositionEmbeddings();
    checkArgument(maxLength >= PairTokenizer.MIN_MAX_LENGTH && maxLength <= positions,
        "maxLength must be between %s and the encoder's %s positions, got %s", PairTokenizer.MIN_MAX_LENGTH,
        positions, maxLength);
    return new TaskTranslator<>(model, task, maxLength, reader(task, input), writer(task, kind, output));
  }

  @SuppressWarnings("unchecked")
  private static <I> Function<I, Example> reader(String task, Class<I> type) {
    if (type == String.class) {
      return in -> Example.of(ID, (String) in, null);
    }
    if (type == TextPair.class) {
      return in -> Example.pair(ID, ((TextPair) in).text(), ((TextPair) in).textPair(), null);
    }
    if (type == Input.class) {
      return in -> servingExample((Input) in);
    }
    throw new IllegalArgumentException(String.format("task %s cannot read input of type %s: give a String (a"
        + " sentence), an %s or a %s", task, type.getName(), TextPair.class.getName(), Input.class.getName()));
  }

  private static <O> Function<float[], O> writer(String task, TaskKind kind, Class<O> type) {
    if (kind instanceof TaskKind.Classification c) {
      if (type == Classifications.class) {
        return row -> type.cast(classifications(c, row));
      }
      if (type == Output.class) {
        return row -> type.cast(json(classifications(c, row).toJson()));
      }
      throw new IllegalArgumentException(String.format("task %s is a classification task (labels %s): its"
          + " output type is %s (or %s), not %s", task, c.labels(), Classifications.class.getName(),
          Output.class.getName(), type.getName()));
    }
    if (type == Float.class) {
      return row -> type.cast(score(kind, row));
    }
    if (type == Output.class) {
      return row -> {
        JsonObject score = new JsonObject();
        score.addProperty("score", score(kind, row));
        return type.cast(json(score.toString()));
      };
    }
    throw new IllegalArgumentException(String.format("task %s is a regression task (range %s): its output type"
        + " is %s (or %s), not %s", task, rangeOf(kind), Float.class.getName(), Output.class.getName(),
        type.getName()));
  }

  private static String rangeOf(TaskKind kind) {
    TaskKind.Regression r = (TaskKind.Regression) kind;
    return String.format(Locale.ROOT, "[%s, %s]", r.min(), r.max());
  }

  private static Classifications classifications(TaskKind.Classification kind, float[] probabilities) {
    List<Double> p = new ArrayList<>(probabilities.length);
    for (float v : probabilities) {
      p.add((double) v);
    }
    return new Classifications(kind.labels(), p);
  }

  private static Float score(TaskKind kind, float[] row) {
    return (float) Evaluation.prediction(kind, row);
  }

  private static Output json(String body) {
    Output out = new Output();
    out.addProperty("Content-Type", "application/json");
    out.add(body);
    return out;
  }

  /** A DJL Serving request: {@code {"text": ..., "text_pair": ...}}, or a plain-text body as one sentence. */
  private static Example servingExample(Input in) {
    String body = in.getData() == null ? null : in.getData().getAsString();
    checkArgument(body != null, "the request has no body: send {\"text\": \"...\"} or"
        + " {\"text\": \"...\", \"text_pair\": \"...\"}");
    if (!body.stripLeading().startsWith("{")) {
      return Example.of(ID, body, null);
    }
    JsonObject json;
    try {
      json = JsonParser.parseString(body).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("the request body is not a JSON object: " + e.getMessage(), e);
    }
    for (String field : json.keySet()) {
      checkArgument(field.equals("text") || field.equals("text_pair"),
          "the request has an unknown field '%s'; the fields are 'text' and 'text_pair'", field);
    }
    String text = string(json, "text");
    checkArgument(text != null, "the request has no 'text' field: send {\"text\": \"...\"}");
    String pair = string(json, "text_pair");
    return pair == null ? Example.of(ID, text, null) : Example.pair(ID, text, pair, null);
  }

  private static String string(JsonObject json, String field) {
    JsonElement e = json.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    checkArgument(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString(), "'%s' must be a string, got %s",
        field, e);
    return e.getAsString();
  }

  /** The task this translator answers. */
  public String task() {
    return task;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, I input) {
    return batchProcessInput(ctx, List.of(input));
  }

  @Override
  public O processOutput(TranslatorContext ctx, NDList list) {
    return batchProcessOutput(ctx, list).get(0);
  }

  /**
   * Tokenizes the batch and pads it to its longest input.
   *
   * @throws IllegalArgumentException for an input of the other form than the task was trained on (a single
   *     sentence for a pair task, or a pair for a single-sentence task), naming its place in the batch
   */
  @Override
  public NDList batchProcessInput(TranslatorContext ctx, List<I> batch) {
    List<EncodedPair> encodings = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      checkArgument(batch.get(i) != null, "input %s of the batch is null", i);
      Example e = reader.apply(batch.get(i));
      if (!inputs.accepts(e)) {
        throw new IllegalArgumentException(String.format("task %s was trained on %s, but input %d of the batch"
            + " is %s: give %s", task, inputs.description(), i, Inputs.describe(e),
            inputs == Inputs.PAIR ? "a TextPair" : "a single sentence (a String)"));
      }
      encodings.add(tokenizer.encode(e.textA(), e.textB(), maxLength));
    }
    return PaddedBatch.inputs(ctx.getNDManager(), encodings, tokenizer.padId(), config);
  }

  /** This task's head output of the batch, one answer per input, in the order of the inputs. */
  @Override
  public List<O> batchProcessOutput(TranslatorContext ctx, NDList list) {
    NDArray out = list.get(head);
    if (kind instanceof TaskKind.Classification) {
      out = out.softmax(1);
    }
    int k = kind.outputSize();
    float[] flat = out.toFloatArray();
    List<O> answers = new ArrayList<>(flat.length / k);
    for (int start = 0; start < flat.length; start += k) {
      float[] row = new float[k];
      System.arraycopy(flat, start, row, 0, k);
      answers.add(writer.apply(row));
    }
    return answers;
  }
}
