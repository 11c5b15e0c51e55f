package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.testing.EngineManager;
import io.github.bamjava.train.SyntheticTasks;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link EncoderSource#huggingFace} on checkpoint directories built from a tiny random encoder. */
@ExtendWith(EngineManager.class)
class HuggingFaceSourceTest {

  @TempDir Path dir;

  private NDManager manager;
  /** The tiny encoder's weights under this library's (HuggingFace BertModel) names. */
  private LinkedHashMap<String, HostTensor> weights;

  @BeforeEach
  void setUp() throws IOException {
    try (NDManager source = NDManager.newBaseManager()) {
      PretrainedEncoder tiny = SyntheticTasks.tinyEncoder(17).load(source);
      weights = StateDict.snapshot(tiny.encoder().namedParameters());
    }
    Files.writeString(dir.resolve("config.json"), SyntheticTasks.tinyConfig().toJson());
    Files.writeString(dir.resolve("vocab.txt"), String.join("\n", SyntheticTasks.vocabulary()) + "\n");
  }

  private Path writeWeights(Map<String, HostTensor> tensors) throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, tensors, Map.of("format", "pt"));
    return file;
  }

  private Map<String, HostTensor> load() throws IOException {
    PretrainedEncoder loaded = EncoderSource.huggingFace(dir).load(manager);
    return StateDict.snapshot(loaded.encoder().namedParameters());
  }

  @Test
  void theTokenizerFilesAreWrittenOverAnOldCopyWholeAndLeaveNoTemporaryFile() throws IOException {
    writeWeights(weights);
    PretrainedEncoder loaded = EncoderSource.huggingFace(dir).load(manager);
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    Files.writeString(copy.resolve("vocab.txt"), "an older, longer vocabulary: none of it may survive\n".repeat(99));

    loaded.writeTokenizerFiles(copy);

    assertThat(copy.resolve("vocab.txt")).hasSameBinaryContentAs(dir.resolve("vocab.txt"));
    try (var files = Files.list(copy)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("vocab.txt");
    }
  }

  @Test
  void checkpointLoadsBitIdentical() throws IOException {
    writeWeights(weights);
    PretrainedEncoder loaded = EncoderSource.huggingFace(dir).load(manager);

    assertThat(StateDict.snapshot(loaded.encoder().namedParameters())).isEqualTo(weights);
    assertThat(loaded.encoder().config()).isEqualTo(SyntheticTasks.tinyConfig());
    assertThat(loaded.report().initialized()).isEmpty();
    assertThat(loaded.report().ignored()).isEmpty();
    assertThat(loaded.tokenizerFiles()).containsOnlyKeys("vocab.txt");
    assertThat(loaded.headTensors()).isEmpty();
  }

  @Test
  void taskModelPrefixAndOldLayerNormNamesAreUnderstood() throws IOException {
    // As BertForSequenceClassification converted from TensorFlow writes them:
    //   bert.embeddings.LayerNorm.gamma, bert.encoder.layer.0.output.LayerNorm.beta, ...
    Map<String, HostTensor> renamed = new LinkedHashMap<>();
    weights.forEach((name, tensor) -> renamed.put("bert." + name
        .replaceAll("LayerNorm\\.weight$", "LayerNorm.gamma")
        .replaceAll("LayerNorm\\.bias$", "LayerNorm.beta"), tensor));
    assertThat(renamed).containsKey("bert.embeddings.LayerNorm.gamma")
        .containsKey("bert.encoder.layer.1.output.LayerNorm.beta");
    writeWeights(renamed);

    assertThat(load()).isEqualTo(weights);
  }

  @Test
  void missingPoolerIsInitialisedAndReported() throws IOException {
    Map<String, HostTensor> noPooler = new LinkedHashMap<>(weights);
    noPooler.keySet().removeIf(name -> name.startsWith("pooler."));
    writeWeights(noPooler);

    PretrainedEncoder loaded = EncoderSource.huggingFace(dir).load(manager);
    assertThat(loaded.report().initialized()).containsExactlyInAnyOrder("pooler.dense.weight", "pooler.dense.bias");
    Map<String, HostTensor> back = StateDict.snapshot(loaded.encoder().namedParameters());
    noPooler.forEach((name, tensor) -> assertThat(back.get(name)).as(name).isEqualTo(tensor));
    assertThat(back.get("pooler.dense.weight").shape()).containsExactly(32, 32);
  }

  @Test
  void preTrainingHeadIsSkippedAndReported() throws IOException {
    Map<String, HostTensor> withHead = new LinkedHashMap<>(weights);
    int vocab = SyntheticTasks.vocabulary().size();
    withHead.put("cls.predictions.bias", new HostTensor(new long[] {vocab}, new float[vocab]));
    writeWeights(withHead);

    PretrainedEncoder loaded = EncoderSource.huggingFace(dir).load(manager);
    assertThat(loaded.report().ignored()).containsExactly("cls.predictions.bias");
    assertThat(StateDict.snapshot(loaded.encoder().namedParameters())).isEqualTo(weights);
  }

  @Test
  void missingUnexpectedAndMisshapedTensorsAreListedInOneError() throws IOException {
    Map<String, HostTensor> broken = new LinkedHashMap<>(weights);
    broken.remove("encoder.layer.0.attention.self.query.weight");
    broken.put("encoder.layer.0.attention.self.extra.weight", new HostTensor(new long[] {2}, new float[2]));
    int vocab = SyntheticTasks.vocabulary().size();
    // One row short of the vocabulary: [vocab − 1, 32].
    broken.put("embeddings.word_embeddings.weight",
        new HostTensor(new long[] {vocab - 1, 32}, new float[(vocab - 1) * 32]));
    Path file = writeWeights(broken);

    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("3 problem(s)")
        .hasMessageContaining("missing encoder.layer.0.attention.self.query.weight [32, 32]")
        .hasMessageContaining("unexpected encoder.layer.0.attention.self.extra.weight [2]")
        .hasMessageContaining("mis-shaped embeddings.word_embeddings.weight: checkpoint [" + (vocab - 1)
            + ", 32], model [" + vocab + ", 32]");
  }

  @Test
  void configThatDoesNotFitTheWeightsFailsBeforeTheEncoderIsBuilt() throws IOException {
    Path file = writeWeights(weights);
    BertConfig tiny = SyntheticTasks.tinyConfig();
    BertConfig huge = new BertConfig(700_000, tiny.hiddenSize(), tiny.numHiddenLayers(), tiny.numAttentionHeads(),
        tiny.intermediateSize(), tiny.maxPositionEmbeddings(), tiny.typeVocabSize(), tiny.layerNormEps(),
        tiny.hiddenDropoutProb(), tiny.attentionProbsDropoutProb(), tiny.hiddenAct());
    Files.writeString(dir.resolve("config.json"), huge.toJson());

    int vocab = SyntheticTasks.vocabulary().size();
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("mis-shaped embeddings.word_embeddings.weight: checkpoint [" + vocab
            + ", 32], model [700000, 32]");
    // Nothing was allocated for the encoder the config describes.
    assertThat(manager.getManagedArrays()).isEmpty();
  }

  @Test
  void savedModelWithHeadsButNoPoolerIsAnError() throws IOException {
    Map<String, HostTensor> noPooler = new LinkedHashMap<>(weights);
    noPooler.keySet().removeIf(name -> name.startsWith("pooler."));
    noPooler.put("heads.t.dense.bias", new HostTensor(new long[] {2}, new float[2]));
    writeWeights(noPooler);
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing pooler.dense.weight");
  }

  @Test
  void pytorchBinWithoutSafetensorsSuggestsConverting() throws IOException {
    Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("model.safetensors").toString())
        .hasMessageContaining("pytorch_model.bin")
        .hasMessageContaining("convert");
  }

  @Test
  void aTokenizerLargerThanTheVocabularyIsAnErrorAtLoadNamingBothFiles() throws IOException {
    writeWeights(weights);
    List<String> vocabulary = SyntheticTasks.vocabulary();
    List<String> larger = new ArrayList<>(vocabulary);
    larger.addAll(List.of("extra", "tokens"));
    Files.writeString(dir.resolve("vocab.txt"), String.join("\n", larger) + "\n");
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("vocab.txt").toString())
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining((vocabulary.size() + 2) + " tokens")
        .hasMessageContaining("vocab_size " + vocabulary.size());

    // A vocabulary smaller than vocab_size (rows no id reaches, as some checkpoints pad it) is fine.
    Files.writeString(dir.resolve("vocab.txt"),
        String.join("\n", vocabulary.subList(0, vocabulary.size() - 2)) + "\n");
    assertThat(EncoderSource.huggingFace(dir).load(manager).tokenizer().vocabSize())
        .isEqualTo(vocabulary.size() - 2);
  }

  @Test
  void missingSafetensorsWithoutAlternativeIsAnErrorNamingIt() {
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("model.safetensors not found")
        .hasMessageNotContaining("pytorch_model.bin");
  }

  @Test
  void missingDirectoryIsAClearError() {
    Path nowhere = dir.resolve("no-such-checkpoint");
    assertThatThrownBy(() -> EncoderSource.huggingFace(nowhere).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(nowhere.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void missingConfigIsAnErrorNamingIt() throws IOException {
    writeWeights(weights);
    Files.delete(dir.resolve("config.json"));
    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("config.json").toString());
  }

  @Test
  void twoTensorsForTheSameParameterAreAnError() throws IOException {
    Map<String, HostTensor> both = new LinkedHashMap<>(weights);
    both.put("bert.pooler.dense.bias", weights.get("pooler.dense.bias"));
    both.put("embeddings.LayerNorm.gamma", weights.get("embeddings.LayerNorm.weight"));
    Path file = writeWeights(both);

    assertThatThrownBy(() -> EncoderSource.huggingFace(dir).load(manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("pooler.dense.bias and bert.pooler.dense.bias");
  }
}
