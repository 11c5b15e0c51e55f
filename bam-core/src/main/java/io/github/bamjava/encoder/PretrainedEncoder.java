package io.github.bamjava.encoder;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.text.PairTokenizer;
import io.github.bamjava.weights.HostTensor;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An initialised encoder with its tokenizer, as an {@link EncoderSource} produced it.
 *
 * <p>Whoever loads it closes it: {@link #close()} frees the tokenizer (a native one holds memory outside the
 * JVM). The encoder's parameters live in the manager it was loaded into and are freed with that manager.
 *
 * @param encoder the encoder, its parameters initialised (pretrained or random)
 * @param tokenizer the tokenizer that goes with the vocabulary
 * @param tokenizerFiles the tokenizer's files by name ({@code tokenizer.json}, or {@code vocab.txt} and
 *     {@code tokenizer_config.json}), copied next to every model saved from this encoder
 * @param headTensors task-head tensors found in the checkpoint ({@code heads.<task>.…}), for continuing from a
 *     trained multi-task model; empty for plain BERT checkpoints
 * @param report what the load initialised or skipped instead of copying
 * @param description where the weights came from, for logs and run configurations
 * @param directory the checkpoint directory the weights were read from, where a saved model also keeps the
 *     description of its heads ({@code tasks.json}); null for embedded or generated weights
 */
public record PretrainedEncoder(
    BertEncoder encoder,
    PairTokenizer tokenizer,
    Map<String, byte[]> tokenizerFiles,
    Map<String, HostTensor> headTensors,
    StateDict.LoadReport report,
    String description,
    @Nullable Path directory) implements AutoCloseable {

  /** Checks that nothing is missing and copies the maps. */
  public PretrainedEncoder {
    requireNonNull(encoder, "encoder");
    requireNonNull(tokenizer, "tokenizer");
    tokenizerFiles = Map.copyOf(tokenizerFiles);
    headTensors = Map.copyOf(headTensors);
    requireNonNull(report, "report");
    requireNonNull(description, "description");
  }

  /**
   * Writes the tokenizer files into {@code dir}, so that a saved model is self-contained. Each file is replaced
   * atomically: a reader of a directory that is written again sees the old file or the new one, never a part.
   */
  public void writeTokenizerFiles(Path dir) throws IOException {
    for (Map.Entry<String, byte[]> e : tokenizerFiles.entrySet()) {
      AtomicFiles.write(dir.resolve(e.getKey()), channel -> Channels.newOutputStream(channel).write(e.getValue()));
    }
  }

  /** Frees the tokenizer. The encoder's parameters are freed with the manager they were loaded into. */
  @Override
  public void close() {
    tokenizer.close();
  }
}
