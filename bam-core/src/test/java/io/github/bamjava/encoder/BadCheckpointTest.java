package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.testing.EngineManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of the transformers-written fixture checkpoints: each fault is one error that names the file
 * and the field (or tensor) at fault, and what to do where there is something to do.
 */
@ExtendWith(EngineManager.class)
class BadCheckpointTest {

  @TempDir Path temp;

  private NDManager manager;

  /** A writable copy of an architecture's fixture checkpoint. */
  private Path copy(Architecture architecture) throws IOException {
    Path from = HfFixtures.checkpoint(architecture);
    Path to = temp.resolve(architecture.modelType());
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private static void replaceIn(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
  }

  @Test
  void unsupportedModelTypeListsTheSupportedOnes() throws IOException {
    Path dir = copy(Architecture.BERT);
    replaceIn(dir.resolve("config.json"), "\"model_type\": \"bert\"", "\"model_type\": \"xlnet\"");
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("model_type 'xlnet' is not supported; supported: bert, roberta, distilbert, electra");
  }

  @Test
  void pytorchPickleOnlySaysHowToConvert() throws IOException {
    Path dir = copy(Architecture.DISTILBERT);
    Files.delete(dir.resolve("model.safetensors"));
    Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("model.safetensors").toString())
        .hasMessageContaining("pytorch_model.bin")
        .hasMessageContaining("from safetensors.torch import save_file")
        .hasMessageContaining("torch.load('pytorch_model.bin'");
  }

  @Test
  void aShardTheIndexNamesButThatIsMissingIsNamedWithATensorInIt() throws IOException {
    Path dir = copy(Architecture.ROBERTA);
    Path shard = dir.resolve("model-00002-of-00004.safetensors");
    Files.delete(shard);
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(shard.toString())
        .hasMessageContaining(dir.resolve("model.safetensors.index.json") + " places ")
        .hasMessageContaining("places embeddings.LayerNorm.bias in it");
  }

  @Test
  void aShardThatLacksATensorTheIndexPlacesInItIsNamed() throws IOException {
    Path dir = copy(Architecture.ROBERTA);
    Path index = dir.resolve("model.safetensors.index.json");
    // The pooler's weight claimed for the first shard, which does not hold it.
    String text = Files.readString(index);
    String entry = "\"pooler.dense.weight\": \"model-0000";
    int at = text.indexOf(entry);
    assertThat(at).isPositive();
    Files.writeString(index, text.substring(0, at + entry.length()) + "1"
        + text.substring(at + entry.length() + 1));
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("pooler.dense.weight")
        .hasMessageContaining(index.toString());
  }

  @Test
  void aTensorWhoseShapeDisagreesWithTheConfigNamesTheTensorAndTheField() throws IOException {
    Path dir = copy(Architecture.ELECTRA);
    replaceIn(dir.resolve("config.json"), "\"embedding_size\": 8", "\"embedding_size\": 12");
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("model.safetensors").toString())
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("mis-shaped embeddings.word_embeddings.weight: checkpoint [400, 8], model [400, 12]"
            + " (vocab_size 400 × embedding_size 12 in config.json)")
        .hasMessageContaining("mis-shaped embeddings_project.weight: checkpoint [16, 8], model [16, 12]");

    Path distil = copy(Architecture.DISTILBERT);
    replaceIn(distil.resolve("config.json"), "\"hidden_dim\": 32", "\"hidden_dim\": 48");
    assertThatThrownBy(() -> EncoderSource.huggingFace(distil).load(manager))
        .hasMessageContaining("mis-shaped transformer.layer.0.ffn.lin1.weight: checkpoint [32, 16], model [48, 16]"
            + " (hidden_dim 48 × dim 16 in config.json)");
  }

  @Test
  void aTokenizerWithMoreTokensThanTheEmbeddingsNamesBothFiles() throws IOException {
    Path dir = copy(Architecture.ROBERTA);
    Path tokenizer = dir.resolve("tokenizer.json");
    // One more special token, with an id past the 400 rows of word_embeddings.
    replaceIn(tokenizer, "\"added_tokens\": [", "\"added_tokens\": [{\"id\": 400, \"content\": \"<extra>\","
        + " \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false,"
        + " \"special\": true},");
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(tokenizer.toString())
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("401 tokens")
        .hasMessageContaining("vocab_size 400");
  }

  @Test
  void robertasSlowTokenizerFilesSayHowToWriteTokenizerJson() throws IOException {
    Path dir = copy(Architecture.ROBERTA);
    Files.delete(dir.resolve("tokenizer.json"));
    Files.writeString(dir.resolve("vocab.json"), "{}");
    Files.writeString(dir.resolve("merges.txt"), "");
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("vocab.json and merges.txt")
        .hasMessageContaining("save_pretrained");
  }

  @Test
  void configFeaturesThatAreNotBuiltAreErrorsNamingTheField() throws IOException {
    Path distil = copy(Architecture.DISTILBERT);
    replaceIn(distil.resolve("config.json"), "\"sinusoidal_pos_embds\": false", "\"sinusoidal_pos_embds\": true");
    assertThatThrownBy(() -> EncoderSource.huggingFace(distil).load(manager))
        .hasMessageContaining(distil.resolve("config.json").toString())
        .hasMessageContaining("sinusoidal_pos_embds");

    Path bert = copy(Architecture.BERT);
    replaceIn(bert.resolve("config.json"), "\"model_type\": \"bert\",",
        "\"model_type\": \"bert\", \"position_embedding_type\": \"relative_key\",");
    assertThatThrownBy(() -> EncoderSource.huggingFace(bert).load(manager))
        .hasMessageContaining(bert.resolve("config.json").toString())
        .hasMessageContaining("position_embedding_type 'relative_key' is not supported");
  }
}
