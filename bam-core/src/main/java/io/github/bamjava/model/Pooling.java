package io.github.bamjava.model;

import java.util.Arrays;
import java.util.Locale;

/** What a task head reads from the encoder: one vector per example, of the encoder's width. */
public enum Pooling {
  /**
   * The [CLS] token's final hidden state through BERT's pooler (dense + tanh), as BERT, the paper and the original
   * BAM code do. Checkpoints without a pooler (sentence-transformer exports such as all-MiniLM-L6-v2) start it
   * from a random initialisation.
   */
  CLS_POOLER,
  /**
   * The mean of the final hidden states of the real tokens ([CLS] and [SEP] included, padding excluded), as
   * sentence-transformer models were trained to be read; the pooler is not used.
   */
  MEAN;

  /** The name in saved models and run configurations: {@code cls_pooler}, {@code mean}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The pooling of a {@link #jsonName()}; an unknown name is an error listing the known ones. */
  public static Pooling fromJsonName(String name) {
    for (Pooling p : values()) {
      if (p.jsonName().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown pooling '" + name + "' (known: "
        + Arrays.stream(values()).map(Pooling::jsonName).toList() + ")");
  }
}
