package io.github.bamjava.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.bamjava.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A run's {@code run-config.json}: its {@link TrainingSettings#runKey() run key} and the settings that may change
 * between a run and its resume. Written atomically at every start, so a crash never leaves a torn file that blocks
 * the next resume.
 */
public final class RunConfig {

  /** The file's name in a run's output directory. */
  public static final String FILE = "run-config.json";

  /** A task's dev set in the run key (since 2026-11-30). */
  static final String DEV_DATA = "dev_data";
  /** A task's metric names in the run key (since 2026-11-30). */
  static final String METRICS = "metrics";
  /** The digest of a checkpoint directory's encoder files in the run key (since 2026-11-30). */
  static final String ENCODER_DATA = "encoder_data";
  /**
   * Fields added to the run key after runs were saved without them: a saved key without them is not checked on
   * them (it resumes as it did before), rather than refused or restarted from scratch.
   */
  private static final Set<String> ADDED_LATER = Set.of(DEV_DATA, METRICS, ENCODER_DATA);

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
      .create();

  private RunConfig() {}

  /** Writes the settings' run-config.json into their output directory. */
  static void write(TrainingSettings settings) throws IOException {
    AtomicFiles.writeString(settings.outputDir().resolve(FILE), text(settings));
  }

  /**
   * The text of the settings' run-config.json, byte for byte as {@link BornAgainTrainer#train()} writes it: a run
   * resumes only where this text's key reads the same, so tests pin it against files that runs wrote.
   */
  public static String text(TrainingSettings settings) {
    JsonObject config = new JsonObject();
    config.add("resume_key", settings.runKey());
    config.addProperty("checkpoint_every", settings.checkpointEvery());
    config.addProperty("library", "bam-java");
    return GSON.toJson(config) + "\n";
  }

  /**
   * The run key saved in a run's output directory, or empty when there is no run-config.json.
   *
   * @throws IOException naming the file when it is not a run configuration (torn, edited, another program's);
   *     the message says what is wrong, not what to do, since callers differ: a pipeline starts such a run
   *     afresh by itself ({@link #changesFrom}), a trainer asked to resume it says how to start afresh
   */
  public static Optional<JsonObject> readKey(Path outputDir) throws IOException {
    Path file = outputDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (root.isJsonObject() && root.getAsJsonObject().get("resume_key") instanceof JsonObject key) {
        return Optional.of(key);
      }
      throw new IOException(file + " is not a run configuration: it has no \"resume_key\" object");
    } catch (JsonParseException | IllegalStateException e) {
      throw new IOException(file + " is not valid JSON (" + e.getMessage() + ")", e);
    }
  }

  /**
   * What differs between the run saved in the settings' output directory and the settings, one line per field
   * ({@link #differences}); empty when the directory holds no run or the same run. A configuration that cannot be
   * read counts as a difference, so that callers that restart changed runs restart it too.
   */
  public static List<String> changesFrom(TrainingSettings settings) {
    try {
      return readKey(settings.outputDir()).map(saved -> differences(saved, settings.runKey())).orElse(List.of());
    } catch (IOException e) {
      return List.of(e.getMessage());
    }
  }

  /**
   * The settings that differ between two run keys, one line each as {@code field: was → now}, with nested fields
   * as dotted paths ({@code optimizer.learningRate}, {@code tasks[1].train_data}); empty when they are equal.
   */
  public static List<String> differences(JsonObject was, JsonObject now) {
    Map<String, String> before = new TreeMap<>();
    Map<String, String> after = new TreeMap<>();
    flatten("", was, before);
    flatten("", now, after);
    List<String> out = new ArrayList<>();
    TreeMap<String, String> all = new TreeMap<>(before);
    after.forEach(all::putIfAbsent);
    for (String path : all.keySet()) {
      if (!before.containsKey(path) && addedLater(path)) {
        continue;
      }
      String a = before.getOrDefault(path, "(absent)");
      String b = after.getOrDefault(path, "(absent)");
      if (!a.equals(b)) {
        out.add(path + ": " + a + " → " + b);
      }
    }
    return out;
  }

  private static boolean addedLater(String path) {
    String field = path.replaceAll("(\\[\\d+])?(\\.size)?$", "");
    return ADDED_LATER.contains(field.substring(field.lastIndexOf('.') + 1));
  }

  private static void flatten(String path, JsonElement e, Map<String, String> out) {
    if (e.isJsonObject()) {
      e.getAsJsonObject().entrySet()
          .forEach(x -> flatten(path.isEmpty() ? x.getKey() : path + "." + x.getKey(), x.getValue(), out));
    } else if (e.isJsonArray()) {
      for (int i = 0; i < e.getAsJsonArray().size(); i++) {
        flatten(path + "[" + i + "]", e.getAsJsonArray().get(i), out);
      }
      out.put(path + ".size", String.valueOf(e.getAsJsonArray().size()));
    } else {
      out.put(path, e.toString());
    }
  }
}
