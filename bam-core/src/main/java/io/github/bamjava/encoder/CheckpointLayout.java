package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a model's tensors in checkpoints: the one place that knows them, for every {@link Architecture}.
 *
 * <p>A model saved by this library is laid out as a HuggingFace task model: the encoder under its
 * architecture's prefix ({@code bert.}, {@code roberta.}, {@code distilbert.}, {@code electra.}) with the names of
 * HuggingFace's base model, each task's head under {@code heads.<task>.}. The encoder's names, by architecture:
 *
 * <pre>
 * BERT, RoBERTa   embeddings.{word,position,token_type}_embeddings.weight, embeddings.LayerNorm.{weight,bias}
 *                 encoder.layer.&lt;i&gt;.attention.self.{query,key,value}.{weight,bias}
 *                 encoder.layer.&lt;i&gt;.attention.output.{dense,LayerNorm}.{weight,bias}
 *                 encoder.layer.&lt;i&gt;.intermediate.dense.{weight,bias}
 *                 encoder.layer.&lt;i&gt;.output.{dense,LayerNorm}.{weight,bias}
 *                 pooler.dense.{weight,bias}
 * ELECTRA         BERT's, and embeddings_project.{weight,bias} when embedding_size differs from hidden_size;
 *                 no pooler in HuggingFace (this library adds BERT's)
 * DistilBERT      embeddings.{word,position}_embeddings.weight, embeddings.LayerNorm.{weight,bias}
 *                 transformer.layer.&lt;i&gt;.attention.{q_lin,k_lin,v_lin,out_lin}.{weight,bias}
 *                 transformer.layer.&lt;i&gt;.sa_layer_norm.{weight,bias}
 *                 transformer.layer.&lt;i&gt;.ffn.{lin1,lin2}.{weight,bias}
 *                 transformer.layer.&lt;i&gt;.output_layer_norm.{weight,bias}
 *                 no pooler in HuggingFace (this library adds BERT's)
 * </pre>
 *
 * <p>Checkpoints from elsewhere may carry the encoder without the prefix, LayerNorm parameters named
 * {@code gamma}/{@code beta} (converted from the original TensorFlow code), and the pre-training or task heads of
 * HuggingFace's task models ({@link #taskModelHeads}), which are skipped. The layer-wise learning rates read a
 * parameter's depth from the same names: embeddings (ELECTRA's {@code embeddings_project} with them), layer
 * {@code i}, pooler, heads.
 */
public final class CheckpointLayout {
  private CheckpointLayout() {}

  /** Prefix of a BERT encoder's parameters in saved models, as in HuggingFace's task models. */
  public static final String ENCODER_PREFIX = "bert.";
  /** Prefix of the task heads' parameters in saved models: {@code heads.<task>.}. */
  public static final String HEADS_PREFIX = "heads.";

  private static final String EMBEDDINGS = "embeddings.";
  private static final String EMBEDDINGS_PROJECT = "embeddings_project.";
  private static final String POOLER = "pooler.";
  private static final Pattern LAYER = Pattern.compile("(?:encoder|transformer)\\.layer\\.(\\d+)\\..+");

  /** Prefix of an architecture's encoder in saved models and HuggingFace task models: {@code roberta.}, .... */
  public static String encoderPrefix(Architecture architecture) {
    return architecture.modelType() + ".";
  }

  /** The module that holds an architecture's layers: {@code encoder}, or DistilBERT's {@code transformer}. */
  public static String layersOf(Architecture architecture) {
    return architecture == Architecture.DISTILBERT ? "transformer" : "encoder";
  }

  /**
   * The prefixes of the heads that HuggingFace's task models of an architecture put beside the encoder
   * (pre-training, classification, question answering): tensors under them are not encoder weights.
   */
  public static List<String> taskModelHeads(Architecture architecture) {
    List<String> common = List.of("classifier.", "qa_outputs.");
    List<String> own = switch (architecture) {
      case BERT -> List.of("cls.");
      case ROBERTA -> List.of("lm_head.");
      case DISTILBERT -> List.of("vocab_transform.", "vocab_layer_norm.", "vocab_projector.", "pre_classifier.");
      case ELECTRA -> List.of("discriminator_predictions.", "generator_predictions.", "generator_lm_head.");
    };
    List<String> all = new ArrayList<>(common);
    all.addAll(own);
    return List.copyOf(all);
  }

  /** Where a parameter sits in the model, which is what its learning rate depends on. */
  public enum Part {
    /** The embeddings: word, position and type tables and their LayerNorm. */
    EMBEDDINGS,
    /** One transformer layer; {@link #layerIndex} says which. */
    LAYER,
    /** BERT's pooler (dense + tanh on [CLS]). */
    POOLER,
    /** Anything else: the task heads. */
    HEAD
  }

  /** The saved name of a BERT encoder parameter ({@code pooler.dense.weight} → {@code bert.pooler.dense.weight}). */
  public static String savedEncoderName(String encoderName) {
    return ENCODER_PREFIX + requireNonNull(encoderName, "encoderName");
  }

  /** The prefix of one task's head parameters: {@code heads.<task>.}. */
  public static String headPrefix(String task) {
    return HEADS_PREFIX + requireNonNull(task, "task") + ".";
  }

  /** Whether a saved tensor belongs to a task head. */
  public static boolean isHead(String savedName) {
    return savedName.startsWith(HEADS_PREFIX);
  }

  /**
   * A name without the leading encoder prefix of task models ({@code bert.}, {@code roberta.}, ...); other names
   * are returned as they are.
   */
  public static String withoutEncoderPrefix(String name) {
    for (Architecture a : Architecture.values()) {
      if (name.startsWith(encoderPrefix(a))) {
        return name.substring(encoderPrefix(a).length());
      }
    }
    return name;
  }

  /**
   * Whether a parameter belongs to a normalisation layer ({@code LayerNorm}, DistilBERT's {@code sa_layer_norm}
   * and {@code output_layer_norm}), which weight decay leaves alone.
   */
  public static boolean isNormalization(String name) {
    return name.contains("LayerNorm") || name.contains("layer_norm");
  }

  /** Whether a parameter (with or without its encoder prefix) is the pooler, which some checkpoints lack. */
  public static boolean isPooler(String name) {
    return withoutEncoderPrefix(name).startsWith(POOLER);
  }

  /**
   * The part of the model a parameter belongs to, by name, with or without its encoder prefix. ELECTRA's
   * {@code embeddings_project} counts with the embeddings.
   *
   * @throws IllegalArgumentException for a name under {@code encoder.} (or {@code transformer.}) that is not
   *     {@code encoder.layer.<i>.…}: a misnamed encoder weight must not pass for a head
   */
  public static Part part(String name) {
    String n = withoutEncoderPrefix(name);
    if (n.startsWith(EMBEDDINGS) || n.startsWith(EMBEDDINGS_PROJECT)) {
      return Part.EMBEDDINGS;
    }
    for (Architecture a : Architecture.values()) {
      String layers = layersOf(a) + ".";
      if (n.startsWith(layers)) {
        checkArgument(LAYER.matcher(n).matches(), "parameter %s is under %s but not %slayer.<i>.…: cannot place it"
            + " in a layer", name, layers, layers);
        return Part.LAYER;
      }
    }
    return n.startsWith(POOLER) ? Part.POOLER : Part.HEAD;
  }

  /**
   * The 0-based transformer layer of a {@link Part#LAYER} parameter, or -1 for any other.
   *
   * @throws IllegalArgumentException as {@link #part} does, or for an index that overflows an int
   */
  public static int layerIndex(String name) {
    if (part(name) != Part.LAYER) {
      return -1;
    }
    Matcher m = LAYER.matcher(withoutEncoderPrefix(name));
    checkArgument(m.matches());
    try {
      return Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter " + name + " has a layer index out of range", e);
    }
  }

  /**
   * A checkpoint's tensors split into the encoder's (under this library's encoder names) and the heads' (under
   * their saved names).
   */
  record Split<T>(Map<String, T> encoder, Map<String, T> heads) {}

  /**
   * Splits a checkpoint's tensors (or their shapes) into encoder and heads, normalising encoder names: the
   * architecture's prefix is dropped, and only its own.
   *
   * @param source names the checkpoint in error messages
   * @throws IllegalArgumentException when two tensors normalise to the same name ({@code bert.x} and
   *     {@code x}, or {@code LayerNorm.gamma} and {@code LayerNorm.weight}): one would silently replace the other
   */
  static <T> Split<T> split(Architecture architecture, String source, Map<String, T> tensors) {
    Map<String, T> encoder = new LinkedHashMap<>();
    Map<String, String> originalNames = new LinkedHashMap<>();
    Map<String, T> heads = new LinkedHashMap<>();
    tensors.forEach((name, tensor) -> {
      if (isHead(name)) {
        heads.put(name, tensor);
      } else {
        String normalised = normalise(architecture, name);
        String earlier = originalNames.putIfAbsent(normalised, name);
        checkArgument(earlier == null, "%s holds both %s and %s, which name the same parameter %s", source,
            earlier, name, normalised);
        encoder.put(normalised, tensor);
      }
    });
    return new Split<>(encoder, heads);
  }

  /** A checkpoint name as this library's encoder names it: no prefix, LayerNorm as weight and bias. */
  static String normalise(Architecture architecture, String name) {
    String prefix = encoderPrefix(architecture);
    String n = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    if (n.contains("LayerNorm.")) {
      n = n.replaceAll("LayerNorm\\.gamma$", "LayerNorm.weight").replaceAll("LayerNorm\\.beta$", "LayerNorm.bias");
    }
    return n;
  }

  /**
   * Tensors that are not encoder weights and are skipped on purpose (and reported): the heads of the
   * architecture's HuggingFace task models and the id buffers some versions saved with the embeddings.
   */
  static boolean isSkippable(Architecture architecture, String name) {
    return taskModelHeads(architecture).stream().anyMatch(name::startsWith) || name.endsWith("position_ids")
        || name.equals("embeddings.token_type_ids");
  }
}
