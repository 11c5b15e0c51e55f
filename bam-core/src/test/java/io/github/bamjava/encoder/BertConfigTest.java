package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertConfigTest {

  @TempDir Path dir;

  private Path write(String json) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, json);
    return file;
  }

  /** all-MiniLM-L6-v2's config.json as HuggingFace writes it (with fields this library does not use). */
  private static final String HF_CONFIG = """
        {
          "architectures": ["BertForMaskedLM"],
          "model_type": "bert",
          "hidden_size": 384,
          "vocab_size": 30522,
          "num_hidden_layers": 6,
          "num_attention_heads": 12,
          "intermediate_size": 1536,
          "max_position_embeddings": 512,
          "type_vocab_size": 2,
          "layer_norm_eps": 1e-12,
          "hidden_dropout_prob": 0.1,
          "attention_probs_dropout_prob": 0.1,
          "hidden_act": "gelu",
          "pad_token_id": 0,
          "position_embedding_type": "absolute",
          "gradient_checkpointing": false,
          "torch_dtype": "float32",
          "transformers_version": "4.8.2",
          "use_cache": true,
          "initializer_range": 0.02
        }
        """;

  /** {@link #HF_CONFIG} with one field's value replaced by the raw JSON {@code value}. */
  private Path hfConfig(String field, String value) throws IOException {
    String json = HF_CONFIG.replaceFirst("\"" + field + "\": [^,\\n]+", "\"" + field + "\": " + value);
    assertThat(json).isNotEqualTo(HF_CONFIG);
    return write(json);
  }

  @Test
  void readsAHuggingFaceConfigIgnoringUnknownFields() throws IOException {
    assertThat(BertConfig.read(write(HF_CONFIG))).isEqualTo(BertConfig.MINILM_L6_H384);
  }

  @Test
  void missingOptionalFieldsTakeBertsDefaults() throws IOException {
    Path file = write("""
        {"vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 3, "num_attention_heads": 4,
         "intermediate_size": 256}
        """);
    BertConfig config = BertConfig.read(file);
    assertThat(config).isEqualTo(new BertConfig(1000, 64, 3, 4, 256, 512, 2, 1e-12f, 0.1f, 0.1f, "gelu"));
    // 64 / 4 = 16 per head.
    assertThat(config.headSize()).isEqualTo(16);
  }

  @Test
  void nonDefaultOptionalFieldsAreRead() throws IOException {
    Path file = write("""
        {"vocab_size": 50, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
         "intermediate_size": 64, "max_position_embeddings": 128, "type_vocab_size": 1, "layer_norm_eps": 1e-5,
         "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.25, "hidden_act": "gelu",
         "bos_token_id": null}
        """);
    assertThat(BertConfig.read(file))
        .isEqualTo(new BertConfig(50, 32, 2, 4, 64, 128, 1, 1e-5f, 0f, 0.25f, "gelu"));
  }

  @Test
  void toJsonReadsBackToTheSameConfig() throws IOException {
    BertConfig odd = new BertConfig(77, 48, 5, 6, 96, 33, 3, 3.5e-7f, 0.05f, 0.3f, "gelu");
    for (BertConfig config : new BertConfig[] {BertConfig.BASE, BertConfig.LARGE, odd}) {
      assertThat(BertConfig.read(write(config.toJson()))).isEqualTo(config);
    }
    assertThat(BertConfig.BASE.toJson()).contains("\"model_type\": \"bert\"").contains("\"hidden_size\": 768");
  }

  @Test
  void malformedJsonIsAnErrorNamingTheFile() throws IOException {
    Path file = write("{\"vocab_size\": 30522, \"hidden_size\": ");
    assertThatThrownBy(() -> BertConfig.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("malformed JSON");
    Path array = write("[1, 2, 3]");
    assertThatThrownBy(() -> BertConfig.read(array))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(array.toString())
        .hasMessageContaining("JSON object");
    Path empty = write("");
    assertThatThrownBy(() -> BertConfig.read(empty))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(empty.toString());
  }

  @Test
  void missingFileIsAnErrorNamingIt() {
    Path file = dir.resolve("nowhere/config.json");
    assertThatThrownBy(() -> BertConfig.read(file))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void missingRequiredFieldIsAnErrorNamingFieldAndFile() throws IOException {
    Path file = write("{\"vocab_size\": 1000, \"num_hidden_layers\": 3, \"num_attention_heads\": 4,"
        + " \"intermediate_size\": 256}");
    assertThatThrownBy(() -> BertConfig.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'hidden_size'")
        .hasMessageContaining("missing");
    Path nulled = write("{\"vocab_size\": null, \"hidden_size\": 64, \"num_hidden_layers\": 3,"
        + " \"num_attention_heads\": 4, \"intermediate_size\": 256}");
    assertThatThrownBy(() -> BertConfig.read(nulled))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'vocab_size'");
  }

  @Test
  void nonIntegerSizesAreErrorsNamingTheField() throws IOException {
    Path fraction = hfConfig("hidden_size", "384.5");
    assertThatThrownBy(() -> BertConfig.read(fraction))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(fraction.toString())
        .hasMessageContaining("field 'hidden_size' must be an integer, got 384.5");
    Path text = write("{\"vocab_size\": \"30522\", \"hidden_size\": 64, \"num_hidden_layers\": 3,"
        + " \"num_attention_heads\": 4, \"intermediate_size\": 256}");
    assertThatThrownBy(() -> BertConfig.read(text))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("field 'vocab_size' must be a number");
    Path huge = write("{\"vocab_size\": 1e12, \"hidden_size\": 64, \"num_hidden_layers\": 3,"
        + " \"num_attention_heads\": 4, \"intermediate_size\": 256}");
    assertThatThrownBy(() -> BertConfig.read(huge))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'vocab_size' is out of range");
    Path textEps = hfConfig("layer_norm_eps", "\"tiny\"");
    assertThatThrownBy(() -> BertConfig.read(textEps))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("field 'layer_norm_eps' must be a number");
  }

  @Test
  void unsupportedActivationIsAnErrorNamingIt() throws IOException {
    Path file = write("{\"vocab_size\": 100, \"hidden_size\": 64, \"num_hidden_layers\": 3,"
        + " \"num_attention_heads\": 4, \"intermediate_size\": 256, \"hidden_act\": \"swish\"}");
    assertThatThrownBy(() -> BertConfig.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("hidden_act 'swish' is not supported; supported: gelu, gelu_new, gelu_pytorch_tanh,"
            + " relu");
  }

  @Test
  void headsThatDoNotDivideHiddenAreAnError() throws IOException {
    Path file = write("{\"vocab_size\": 100, \"hidden_size\": 64, \"num_hidden_layers\": 3,"
        + " \"num_attention_heads\": 5, \"intermediate_size\": 256}");
    assertThatThrownBy(() -> BertConfig.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("num_attention_heads (5) must divide hidden_size (64)");
  }

  @Test
  void badValuesInTheConstructorAreErrorsNamingThem() {
    assertThatThrownBy(() -> new BertConfig(100, 64, 0, 4, 256, 512, 2, 1e-12f, 0.1f, 0.1f, "gelu"))
        .hasMessageContaining("num_hidden_layers must be positive, got 0");
    assertThatThrownBy(() -> new BertConfig(100, 64, 2, 4, 256, 512, 2, 1e-12f, 1f, 0.1f, "gelu"))
        .hasMessageContaining("hidden_dropout_prob must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> new BertConfig(100, 64, 2, 4, 256, 512, 2, 0f, 0.1f, 0.1f, "gelu"))
        .hasMessageContaining("layer_norm_eps must be positive, got 0.0");
  }

  @Test
  void aTableTooLargeForOneTensorIsRefusedWhenTheConfigIsRead() throws IOException {
    // 100 million × 1024 floats: more than a Java array (and every checkpoint reader) can hold.
    Path file = hfConfig("vocab_size", "100000000");
    assertThatThrownBy(() -> BertConfig.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("vocab_size")
        .hasMessageContaining("embeddings.word_embeddings.weight");
    assertThatThrownBy(() -> BertConfig.read(hfConfig("max_position_embeddings", "10000000")))
        .hasMessageContaining("max_position_embeddings");
    assertThatThrownBy(() -> BertConfig.read(hfConfig("intermediate_size", "2000000000")))
        .hasMessageContaining("intermediate_size");
  }

  @Test
  void parameterShapesAreKnownWithoutBuildingTheEncoder() {
    BertConfig config = BertConfig.of(100, 32, 2, 4, 64);
    assertThat(BertConfig.of(100, 32, 2, 4, 64).parameterShapes())
        .containsEntry("embeddings.word_embeddings.weight", new long[] {100, 32})
        .containsEntry("encoder.layer.1.intermediate.dense.weight", new long[] {64, 32})
        .containsEntry("pooler.dense.bias", new long[] {32})
        .hasSize(config.parameterShapes().size());
    try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
      java.util.Map<String, long[]> built = new java.util.LinkedHashMap<>();
      TinyBert.create(manager, config, 1).namedParameters()
          .forEach((name, p) -> built.put(name, p.getArray().getShape().getShape()));
      assertThat(config.parameterShapes()).containsOnlyKeys(built.keySet());
      built.forEach((name, shape) -> assertThat(config.parameterShapes().get(name)).as(name).isEqualTo(shape));
    }
  }

  @Test
  void withDropoutReplacesBothProbabilities() {
    BertConfig none = BertConfig.BASE.withDropout(0f);
    assertThat(none.hiddenDropoutProb()).isEqualTo(0f);
    assertThat(none.attentionProbsDropoutProb()).isEqualTo(0f);
    assertThat(none.hiddenSize()).isEqualTo(768);
  }
}
