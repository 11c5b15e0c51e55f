package io.github.bamjava.examples;

import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.EncoderSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The checks every training command makes of its encoder before it reads any data: an {@code --encoder} folder
 * that is no checkpoint, an unsupported architecture or a max length beyond the encoder's positions is a usage
 * error at once, not after every data file has been read and checked.
 */
final class EncoderOption {

  private EncoderOption() {}

  /**
   * Checks an {@code --encoder} folder and prints which architecture it holds ("encoder: RoBERTa, 12 layers,
   * ..."); nothing for the embedded default ({@code encoder} null).
   */
  static void announce(CommandSpec spec, Path encoder) {
    if (encoder == null) {
      return;
    }
    if (!Files.isDirectory(encoder)) {
      throw new ParameterException(spec.commandLine(), "--encoder " + encoder + " is not a directory (a"
          + " HuggingFace checkpoint: config.json, model.safetensors, tokenizer.json or vocab.txt)");
    }
    BertConfig config;
    try {
      config = BertConfig.read(encoder.resolve("config.json"));
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--encoder " + encoder + ": " + e.getMessage());
    }
    spec.commandLine().getOut().println("encoder: " + config.summary() + ", from " + encoder);
    spec.commandLine().getOut().flush();
  }

  /**
   * Refuses a max length beyond the encoder's positions ({@code what} names where the length came from, e.g.
   * "--max-length"): the trainer would refuse it too, but only after every file was read and checked.
   */
  static void checkMaxLength(CommandSpec spec, String what, int length, EncoderSource source) throws IOException {
    Optional<BertConfig> config = source.config();
    // maxSequenceLength, not max_position_embeddings: RoBERTa's first positions are taken by its padding offset.
    if (config.isPresent() && length > config.get().maxSequenceLength()) {
      throw new ParameterException(spec.commandLine(), String.format("%s %d is longer than the %d positions of"
          + " the encoder, %s (max_position_embeddings %d); choose at most %d", what, length,
          config.get().maxSequenceLength(), source.describe(), config.get().maxPositionEmbeddings(),
          config.get().maxSequenceLength()));
    }
  }
}
