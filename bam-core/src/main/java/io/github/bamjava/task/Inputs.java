package io.github.bamjava.task;

import java.util.Collection;
import java.util.Locale;

/**
 * What a task reads: single sentences, sentence pairs, or either. A head trained on pairs answers a single
 * sentence as confidently as a pair, so a saved model records which its task learned from and refuses the other.
 */
public enum Inputs {
  /** Single sentences only. */
  SENTENCE,
  /** Sentence pairs only. */
  PAIR,
  /** Single sentences and pairs. */
  EITHER;

  /** The inputs of these examples: {@link #EITHER} when they mix single sentences and pairs (or are none). */
  public static Inputs of(Collection<Example> examples) {
    long pairs = examples.stream().filter(Example::isPair).count();
    if (examples.isEmpty() || (pairs > 0 && pairs < examples.size())) {
      return EITHER;
    }
    return pairs == 0 ? SENTENCE : PAIR;
  }

  /** Whether a head trained on these inputs may answer {@code example}. */
  public boolean accepts(Example example) {
    return this == EITHER || example.isPair() == (this == PAIR);
  }

  /** "single sentences", "sentence pairs" or "single sentences and pairs": for messages. */
  public String description() {
    return switch (this) {
      case SENTENCE -> "single sentences";
      case PAIR -> "sentence pairs";
      case EITHER -> "single sentences and pairs";
    };
  }

  /** "a single sentence" or "a sentence pair": how an example of this kind is named in messages. */
  public static String describe(Example example) {
    return example.isPair() ? "a sentence pair" : "a single sentence";
  }

  /** Its name in {@code tasks.json}: "sentence", "pair" or "either". */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads {@link #jsonName()}.
   *
   * @throws IllegalArgumentException naming the value when it is none of the three
   */
  public static Inputs fromJsonName(String name) {
    for (Inputs i : values()) {
      if (i.jsonName().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("'inputs' must be \"sentence\", \"pair\" or \"either\", got \"" + name + "\"");
  }
}
