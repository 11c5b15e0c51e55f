package io.github.bamjava.text;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The longest-first truncation rule of HuggingFace {@code tokenizers} ({@code TruncationStrategy::LongestFirst}),
 * the one place both tokenizers of this package take it from.
 *
 * <p>With a budget of {@code m} content tokens (the length limit minus the special tokens) and sentences of
 * {@code s <= l} tokens: nothing is cut when {@code s + l <= m}; when the shorter fits in half the budget
 * ({@code 2s <= m}) only the longer is cut, to {@code m - s}; otherwise both are cut, the shorter to
 * {@code floor(m/2)} and the longer to {@code ceil(m/2)}. On equal lengths the first sentence counts as the
 * shorter one, so an odd leftover token goes to the second sentence. This is not the same as the textbook loop
 * "drop a token from the longer, ties from the second" of Google's BERT code: for lengths (6, 5) and a budget of
 * 7 that loop keeps (3, 4) where HuggingFace keeps (4, 3). We match HuggingFace because checkpoints published
 * with a {@code tokenizer.json} were fine-tuned and evaluated with it.
 */
final class Truncation {
  private Truncation() {}

  /**
   * How many leading tokens of each sentence to keep.
   *
   * @param lengthA the first sentence's token count
   * @param lengthB the second sentence's token count (0 for a single sentence)
   * @param budget the most content tokens allowed in total
   * @return {@code {keepA, keepB}}, with {@code keepA + keepB <= budget}
   */
  static int[] longestFirst(int lengthA, int lengthB, int budget) {
    checkArgument(lengthA >= 0 && lengthB >= 0, "negative lengths: %s, %s", lengthA, lengthB);
    checkArgument(budget >= 0, "negative budget: %s", budget);
    if (lengthA + lengthB <= budget) {
      return new int[] {lengthA, lengthB};
    }
    boolean firstIsShorter = lengthA <= lengthB;
    int shorter = Math.min(lengthA, lengthB);
    int keepShorter;
    int keepLonger;
    if (2L * shorter <= budget) {
      keepShorter = shorter;
      keepLonger = budget - shorter;
    } else {
      keepShorter = budget / 2;
      keepLonger = budget - keepShorter;
    }
    return firstIsShorter
        ? new int[] {keepShorter, keepLonger}
        : new int[] {keepLonger, keepShorter};
  }
}
