package io.github.bamjava.distill;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.bamjava.task.Example;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A SHA-256 over the ids and texts of a list of examples, in order.
 *
 * <p>A teacher's predictions are only valid for the exact examples they were made on: the same texts, the
 * same order, the same preprocessing (sentence-order augmentation, caps). Labels are left out on purpose: a
 * teacher never sees them, and fixing a mislabelled example must not invalidate predictions.
 */
public final class ExampleFingerprint {
  private ExampleFingerprint() {}

  /** The hex fingerprint of {@code examples}: ids and texts, not labels. */
  public static String of(List<Example> examples) {
    return hash(examples, false);
  }

  /**
   * The hex fingerprint of {@code examples} with their labels: what a training run learns from, so that a run
   * on relabelled data is not taken for the same run.
   */
  public static String withLabels(List<Example> examples) {
    return hash(examples, true);
  }

  private static String hash(List<Example> examples, boolean labels) {
    Hasher hasher = Hashing.sha256().newHasher();
    hasher.putInt(examples.size());
    for (Example e : examples) {
      putString(hasher, e.id());
      putString(hasher, e.textA());
      hasher.putBoolean(e.textB() != null);
      if (e.textB() != null) {
        putString(hasher, e.textB());
      }
      if (labels) {
        hasher.putBoolean(e.label() != null);
        if (e.label() != null) {
          putString(hasher, e.label());
        }
      }
    }
    return hasher.hash().toString();
  }

  private static void putString(Hasher hasher, String s) {
    // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    hasher.putInt(bytes.length).putBytes(bytes);
  }
}
