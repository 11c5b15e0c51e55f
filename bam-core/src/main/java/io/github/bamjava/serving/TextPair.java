package io.github.bamjava.serving;

import static java.util.Objects.requireNonNull;

/**
 * A sentence pair, the input of a task trained on pairs (entailment, paraphrase, similarity): BERT reads it as
 * {@code [CLS] text [SEP] textPair [SEP]}. A task trained on single sentences takes a {@link String} instead.
 *
 * @param text the first sentence
 * @param textPair the second sentence (may be empty, never null)
 */
public record TextPair(String text, String textPair) {

  /** Checks that both texts are set. */
  public TextPair {
    requireNonNull(text, "text");
    requireNonNull(textPair, "textPair");
  }
}
