package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a model's tensors in checkpoints: the one place that knows them.
 *
 * <p>A model saved by this library is laid out as a HuggingFace task model: the encoder under {@code bert.}
 * with {@code BertModel}'s names ({@code bert.embeddings.…}, {@code bert.encoder.layer.<i>.…},
 * {@code bert.pooler.…}), each task's head under {@code heads.<task>.}. Checkpoints from elsewhere may carry
 * the encoder without the prefix, LayerNorm parameters named {@code gamma}/{@code beta} (converted from the
 * original TensorFlow code), and pre-training or classifier heads ({@code cls.*}, {@code classifier.*}), which
 * are skipped. The layer-wise learning rates read a parameter's depth from the same names.
 */
public final class CheckpointLayout {
  private CheckpointLayout() {}

  /** Prefix of the encoder's parameters in saved models, as in HuggingFace's task models. */
  public static final String ENCODER_PREFIX = "bert.";
  /** Prefix of the task heads' parameters in saved models: {@code heads.<task>.}. */
  public static final String HEADS_PREFIX = "heads.";

  private static final String EMBEDDINGS = "embeddings.";
  private static final String LAYERS = "encoder.";
  private static final String POOLER = "pooler.";
  private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\..+");

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

  /** The saved name of an encoder parameter ({@code pooler.dense.weight} → {@code bert.pooler.dense.weight}). */
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

  /** A name without the leading {@code bert.} of task models; other names are returned as they are. */
  public static String withoutEncoderPrefix(String name) {
    return name.startsWith(ENCODER_PREFIX) ? name.substring(ENCODER_PREFIX.length()) : name;
  }

  /** Whether a parameter (with or without {@code bert.}) is BERT's pooler, which some checkpoints lack. */
  public static boolean isPooler(String name) {
    return withoutEncoderPrefix(name).startsWith(POOLER);
  }

  /**
   * The part of the model a parameter belongs to, by name, with or without {@code bert.}.
   *
   * @throws IllegalArgumentException for a name under {@code encoder.} that is not {@code encoder.layer.<i>.…}:
   *     a misnamed encoder weight must not pass for a head
   */
  public static Part part(String name) {
    String n = withoutEncoderPrefix(name);
    if (n.startsWith(EMBEDDINGS)) {
      return Part.EMBEDDINGS;
    }
    if (n.startsWith(LAYERS)) {
      checkArgument(LAYER.matcher(n).matches(),
          "parameter %s is under encoder. but not encoder.layer.<i>.…: cannot place it in a layer", name);
      return Part.LAYER;
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
   * Splits a checkpoint's tensors (or their shapes) into encoder and heads, normalising encoder names.
   *
   * @param source names the checkpoint in error messages
   * @throws IllegalArgumentException when two tensors normalise to the same name ({@code bert.x} and
   *     {@code x}, or {@code LayerNorm.gamma} and {@code LayerNorm.weight}): one would silently replace the other
   */
  static <T> Split<T> split(String source, Map<String, T> tensors) {
    Map<String, T> encoder = new LinkedHashMap<>();
    Map<String, String> originalNames = new LinkedHashMap<>();
    Map<String, T> heads = new LinkedHashMap<>();
    tensors.forEach((name, tensor) -> {
      if (isHead(name)) {
        heads.put(name, tensor);
      } else {
        String normalised = normalise(name);
        String earlier = originalNames.putIfAbsent(normalised, name);
        checkArgument(earlier == null, "%s holds both %s and %s, which name the same parameter %s", source,
            earlier, name, normalised);
        encoder.put(normalised, tensor);
      }
    });
    return new Split<>(encoder, heads);
  }

  /** A checkpoint name as this library's encoder names it: no {@code bert.}, LayerNorm as weight and bias. */
  static String normalise(String name) {
    String n = withoutEncoderPrefix(name);
    if (n.contains("LayerNorm.")) {
      n = n.replaceAll("LayerNorm\\.gamma$", "LayerNorm.weight").replaceAll("LayerNorm\\.beta$", "LayerNorm.bias");
    }
    return n;
  }

  /** Tensors that are not encoder weights and are skipped on purpose (and reported). */
  static boolean isSkippable(String name) {
    return name.startsWith("cls.") || name.startsWith("classifier.") || name.endsWith("position_ids");
  }
}
