package io.github.bamjava.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.predict.BamModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A finished run's {@code result.json}: its epochs' dev results and training time, written after the final
 * model. With it, running the same settings again returns the saved result rather than training again, even
 * when the checkpoints were deleted at the end.
 */
final class FinishedRun {

  static final String FILE = "result.json";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
      .create();

  private FinishedRun() {}

  static void write(RunResult result) throws IOException {
    JsonObject json = new JsonObject();
    json.add("epochs", GSON.toJsonTree(result.epochs()));
    json.addProperty("train_seconds", result.trainSeconds());
    AtomicFiles.writeString(result.outputDir().resolve(FILE), GSON.toJson(json) + "\n");
  }

  /** The saved result of a finished run in {@code outputDir}, or empty when it has none or lacks its model. */
  static Optional<RunResult> read(Path outputDir) throws IOException {
    Path file = outputDir.resolve(FILE);
    Path model = outputDir.resolve("model");
    if (!Files.isRegularFile(file) || !Files.isRegularFile(model.resolve(BamModel.TASKS_JSON))) {
      return Optional.empty();
    }
    try {
      JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      List<EpochResult> epochs = GSON.fromJson(json.get("epochs"), new TypeToken<List<EpochResult>>() {}.getType());
      return Optional.of(new RunResult(List.copyOf(epochs), model, outputDir,
          json.get("train_seconds").getAsDouble()));
    } catch (JsonParseException | IllegalStateException | NullPointerException e) {
      throw new IOException(file + " is not a finished run's result (" + e.getMessage() + "); delete it to train"
          + " the run again", e);
    }
  }
}
