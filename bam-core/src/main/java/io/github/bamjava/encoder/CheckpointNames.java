package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.weights.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Normalises the tensor names found in BERT checkpoints to this library's encoder names.
 *
 * <p>HuggingFace task models prefix the encoder with {@code bert.}; checkpoints converted from the original
 * TensorFlow code name LayerNorm parameters {@code gamma} and {@code beta}. Task heads saved by this library
 * ({@code heads.<task>.…}) are split off for the trainer.
 */
final class CheckpointNames {
  private CheckpointNames() {}

  record Split(Map<String, HostTensor> encoder, Map<String, HostTensor> heads) {}

  /**
   * @param source names the checkpoint in error messages
   * @throws IllegalArgumentException when two tensors normalise to the same name ({@code bert.x} and
   *     {@code x}, or {@code LayerNorm.gamma} and {@code LayerNorm.weight}): one would silently replace the other
   */
  static Split split(String source, Map<String, HostTensor> tensors) {
    Map<String, HostTensor> encoder = new LinkedHashMap<>();
    Map<String, String> originalNames = new LinkedHashMap<>();
    Map<String, HostTensor> heads = new LinkedHashMap<>();
    tensors.forEach((name, tensor) -> {
      if (name.startsWith("heads.")) {
        heads.put(name, tensor);
      } else {
        String normalised = normalise(name);
        String earlier = originalNames.putIfAbsent(normalised, name);
        checkArgument(earlier == null, "%s holds both %s and %s, which name the same parameter %s", source,
            earlier, name, normalised);
        encoder.put(normalised, tensor);
      }
    });
    return new Split(encoder, heads);
  }

  static String normalise(String name) {
    String n = name.startsWith("bert.") ? name.substring("bert.".length()) : name;
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
