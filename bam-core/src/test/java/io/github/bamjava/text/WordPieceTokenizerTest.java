package io.github.bamjava.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Absolute expectations for the all-MiniLM-L6-v2 vocabulary, and the errors for bad input. */
class WordPieceTokenizerTest {

  // Ids in the uncased BERT vocabulary (all-MiniLM-L6-v2 reuses it).
  private static final int PAD = 0;
  private static final int UNK = 100;
  private static final int CLS = 101;
  private static final int SEP = 102;
  private static final int HELLO = 7592;
  private static final int WORLD = 2088;

  @TempDir static Path sharedDir;
  private static Path vocabTxt;
  private static WordPieceTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    vocabTxt = MiniLmVocab.writeVocabTxt(sharedDir);
    tokenizer = WordPieceTokenizer.fromVocabFile(vocabTxt, true);
  }

  @Test
  void singleSentence() {
    EncodedPair e = tokenizer.encode("Hello, World", 128);
    assertThat(e.inputIds()).containsExactly(CLS, HELLO, id(","), WORLD, SEP);
    assertThat(e.typeIds()).containsExactly(0, 0, 0, 0, 0);
    assertThat(e.length()).isEqualTo(5);
  }

  @Test
  void pairTypeIdsMarkTheSecondSegmentAndItsSeparator() {
    EncodedPair e = tokenizer.encode("hello", "world", 128);
    assertThat(e.inputIds()).containsExactly(CLS, HELLO, SEP, WORLD, SEP);
    assertThat(e.typeIds()).containsExactly(0, 0, 0, 1, 1);
  }

  @Test
  void emptySecondSentenceIsStillAPair() {
    EncodedPair e = tokenizer.encode("hello", "", 128);
    assertThat(e.inputIds()).containsExactly(CLS, HELLO, SEP, SEP);
    assertThat(e.typeIds()).containsExactly(0, 0, 0, 1);
    assertThat(tokenizer.encode("hello", null, 128).inputIds()).containsExactly(CLS, HELLO, SEP);
  }

  @Test
  void emptyTextGivesOnlySpecials() {
    assertThat(tokenizer.encode("", 8).inputIds()).containsExactly(CLS, SEP);
    assertThat(tokenizer.encode(" \t\u0000 ", 8).inputIds()).containsExactly(CLS, SEP);
  }

  @Test
  void wordPiecesUseTheContinuationPrefix() {
    // Greedy longest match first: "token" beats "to", then the longest "##" piece of the rest.
    assertThat(tokenizer.encode("tokenization", 16).inputIds())
        .containsExactly(CLS, id("token"), id("##ization"), SEP);
    assertThat(tokenizer.encode("embeddings", 16).inputIds())
        .containsExactly(CLS, id("em"), id("##bed"), id("##ding"), id("##s"), SEP);
  }

  @Test
  void accentsAreStrippedWhenLowerCasing() {
    assertThat(tokenizer.encode("Café", 16)).isEqualTo(tokenizer.encode("cafe", 16));
  }

  @Test
  void overlongWordsAndUncoverableWordsAreUnknown() {
    assertThat(tokenizer.encode("a".repeat(101), 16).inputIds()).containsExactly(CLS, UNK, SEP);
    assertThat(tokenizer.encode("a".repeat(100), 128).inputIds()).doesNotContain(UNK);
    // An emoji is not in the vocabulary: the whole word, not just the emoji, becomes one [UNK].
    assertThat(tokenizer.encode("hi😀there", 16).inputIds()).containsExactly(CLS, UNK, SEP);
  }

  @Test
  void cjkIdeographsAreSplitOneByOne() {
    assertThat(tokenizer.encode("中文", 16).inputIds()).containsExactly(CLS, id("中"), id("文"), SEP);
  }

  @Test
  void truncationCutsTheLongerSentenceFirst() {
    // 5 + 2 content tokens, budget 10 - 3 = 5: only the longer first sentence loses tokens.
    EncodedPair e = tokenizer.encode("one two three four five", "six seven", 8);
    assertThat(e.inputIds())
        .containsExactly(CLS, id("one"), id("two"), id("three"), SEP, id("six"), id("seven"), SEP);
    assertThat(e.length()).isEqualTo(8);
  }

  @Test
  void maxLengthTooSmallNamesTheValue() {
    assertThatThrownBy(() -> tokenizer.encode("hello", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 2");
    assertThat(tokenizer.encode("hello", "world", 3).inputIds()).containsExactly(CLS, SEP, SEP);
  }

  @Test
  void vocabularyWithoutUnkNamesTheFile(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("vocab.txt");
    Files.write(bad, List.of("[PAD]", "[CLS]", "[SEP]", "hello"), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> WordPieceTokenizer.fromVocabFile(bad, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("[UNK]");
  }

  @Test
  void caseIsKeptWhenNotLowerCasing() throws IOException {
    WordPieceTokenizer cased = WordPieceTokenizer.fromVocabFile(vocabTxt, false);
    // The uncased vocabulary has no "Hello": it splits into pieces or becomes [UNK], but not "hello".
    assertThat(cased.encode("Hello", 16).inputIds()).doesNotContain(HELLO);
    assertThat(cased.lowerCase()).isFalse();
  }

  @Test
  void directoryWithTokenizerJsonUsesIt(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("tokenizer.json"), MiniLmVocab.tokenizerJson());
    Files.copy(vocabTxt, dir.resolve("vocab.txt"));
    try (PairTokenizer t = Tokenizers.fromDirectory(dir)) {
      assertThat(t).isInstanceOf(HfPairTokenizer.class);
      assertThat(t.encode("hello world", 16).inputIds()).containsExactly(CLS, HELLO, WORLD, SEP);
    }
  }

  @Test
  void directoryWithVocabTxtReadsDoLowerCase(@TempDir Path dir) throws IOException {
    Files.copy(vocabTxt, dir.resolve("vocab.txt"));
    try (PairTokenizer t = Tokenizers.fromDirectory(dir)) {
      assertThat(((WordPieceTokenizer) t).lowerCase()).isTrue();
    }
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
    try (PairTokenizer t = Tokenizers.fromDirectory(dir)) {
      assertThat(((WordPieceTokenizer) t).lowerCase()).isFalse();
    }
  }

  @Test
  void directoryWithNeitherFileNamesWhatItLookedFor(@TempDir Path dir) {
    assertThatThrownBy(() -> Tokenizers.fromDirectory(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining("vocab.txt");
  }

  @Test
  void tokenizerJsonWithoutClsNamesTheSource() {
    String json = "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[PAD]\": 0, \"[SEP]\": 1, \"[UNK]\": 2}}}";
    assertThatThrownBy(
            () ->
                HfPairTokenizer.fromStream(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "tiny.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tiny.json")
        .hasMessageContaining("[CLS]");
  }

  @Test
  void encodingIsAValue() {
    int[] ids = {CLS, SEP};
    EncodedPair e = new EncodedPair(ids, new int[] {0, 0});
    ids[0] = PAD;
    assertThat(e.inputIds()).containsExactly(CLS, SEP);
    assertThat(e).isEqualTo(new EncodedPair(new int[] {CLS, SEP}, new int[] {0, 0}));
    assertThatThrownBy(() -> new EncodedPair(new int[] {1}, new int[] {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 vs 0");
  }

  private static int id(String token) {
    // The expected ids come from the tokenizer.json itself, so they cannot drift with our own lookup.
    return MiniLmVocab.id(token);
  }
}
