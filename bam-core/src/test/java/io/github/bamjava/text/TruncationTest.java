package io.github.bamjava.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TruncationTest {

  /** With a budget of 7 content tokens: the outcomes HuggingFace tokenizers' own truncation tests expect. */
  @ParameterizedTest(name = "({0}, {1}) -> ({2}, {3})")
  @CsvSource({
    "0, 0, 0, 0",
    "0, 8, 0, 7",
    "8, 0, 7, 0",
    "2, 2, 2, 2",
    "2, 4, 2, 4",
    "2, 8, 2, 5",
    "8, 2, 5, 2",
    "4, 4, 3, 4", // a tie: the odd token goes to the second sentence
    "4, 8, 3, 4",
    "8, 4, 4, 3", // the originally longer keeps the larger half, even when it is the first
    "8, 8, 3, 4",
    "6, 5, 4, 3", // Google's BERT loop would keep (3, 4) here
  })
  void longestFirstLikeHuggingFace(int lengthA, int lengthB, int keepA, int keepB) {
    assertThat(Truncation.longestFirst(lengthA, lengthB, 7)).containsExactly(keepA, keepB);
  }

  @ParameterizedTest(name = "({0}, {1}) in {2}")
  @CsvSource({"5, 5, 0", "0, 0, 0", "3, 100, 1", "100, 3, 1", "100, 100, 2", "1, 1, 1"})
  void neverExceedsTheBudget(int lengthA, int lengthB, int budget) {
    int[] keep = Truncation.longestFirst(lengthA, lengthB, budget);
    assertThat(keep[0] + keep[1]).isLessThanOrEqualTo(budget);
    assertThat(keep[0]).isBetween(0, lengthA);
    assertThat(keep[1]).isBetween(0, lengthB);
  }
}
