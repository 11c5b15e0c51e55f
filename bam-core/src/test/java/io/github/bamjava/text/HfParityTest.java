package io.github.bamjava.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure-Java {@link WordPieceTokenizer} against the native HuggingFace tokenizer of all-MiniLM-L6-v2, and both
 * against the native library's own special tokens and longest-first truncation.
 */
class HfParityTest {

  @TempDir static Path tempDir;

  private static HfPairTokenizer hf;
  private static WordPieceTokenizer wordPiece;
  private static HfPairTokenizer hfCased;
  private static WordPieceTokenizer wordPieceCased;

  @BeforeAll
  static void load() throws IOException {
    hf = HfPairTokenizer.fromStream(new ByteArrayInputStream(MiniLmVocab.tokenizerJson()), MiniLmVocab.RESOURCE);
    hfCased = HfPairTokenizer.fromStream(new ByteArrayInputStream(MiniLmVocab.casedTokenizerJson()), "cased");
    Path vocab = MiniLmVocab.writeVocabTxt(tempDir);
    wordPiece = WordPieceTokenizer.fromVocabFile(vocab, true);
    wordPieceCased = WordPieceTokenizer.fromVocabFile(vocab, false);
  }

  /** Native reference tokenizers by length limit, built once: parsing the JSON is the slow part. */
  private static final Map<Integer, HuggingFaceTokenizer> references = new HashMap<>();

  @AfterAll
  static void close() {
    hf.close();
    hfCased.close();
    references.values().forEach(HuggingFaceTokenizer::close);
  }

  static Stream<String> trickyTexts() {
    return Stream.of(
        "hello world",
        "Café naïve résumé",
        "Ångström Øresund façade coöperate",
        "Hello!!! ...what?!",
        "don't stop-the-music: O'Neil's well-known, self-evident \"quotes\" «guillemets» „low“",
        "1,234,567.89 and 3.14e-10 at 10:30pm costs $5 (≈€4.60) — 50% off; 2nd/3rd",
        "a".repeat(100),
        "a".repeat(101),
        "supercalifragilistic" + "expialidocious".repeat(8),
        "I ❤️ emoji 😀🎉👍🏽 and 🥰 🦩 ☃ ♞",
        "日本語のテキスト 中文分词 漢字かな交じり文",
        "한국어 안녕하세요",
        "Ελληνικά ΣΟΦΙΑ σοφία Кириллица ПРИВЕТ мир",
        "ภาษาไทย مرحبا بالعالم עברית हिन्दी",
        "tabs\there\nnewlines\r\n  multiple   spaces\u00A0nbsp\u2003em\u3000ideo\u2028line",
        "control\u0000chars\u0007bell\u001Besc\u200Bzwsp\uFFFDrepl\u00ADsoft\u200Dzwj\uE000private",
        "",
        "   \t\n ",
        "İstanbul straße ǅemal ﬁnance Ⅻ ＦＵＬＬ ｗｉｄｔｈ",
        "e\u0301 combining and a\u0308 too",
        "[CLS] literal [SEP] special [MASK] tokens [UNK] [unk] [PAD]x[SEP]",
        "under_score back\\slash |pipe| ^caret `tick` ~tilde~ <angle> {brace} #hash @at +plus =eq",
        "MiXeD CaSe WORDS unaffable xyzzyplughqwfp",
        "¿Qué? ¡Sí! ‘single’ “double” … ‰ † ‡ • ¶ §");
  }

  @ParameterizedTest
  @MethodSource("trickyTexts")
  void wordPieceMatchesHuggingFaceOnSingleSentences(String text) {
    assertSame(wordPiece.encode(text, 512), hf.encode(text, 512), text);
    assertSame(wordPieceCased.encode(text, 512), hfCased.encode(text, 512), text);
  }

  @ParameterizedTest
  @MethodSource("trickyTexts")
  void wordPieceMatchesHuggingFaceOnPairs(String text) {
    assertSame(wordPiece.encode("A first sentence.", text, 512), hf.encode("A first sentence.", text, 512), text);
    assertSame(wordPiece.encode(text, "Ångström!", 512), hf.encode(text, "Ångström!", 512), text);
  }

  @ParameterizedTest
  @MethodSource("trickyTexts")
  void specialTokensMatchTheNativePostProcessor(String text) throws IOException {
    HuggingFaceTokenizer reference = nativeReference(512);
    assertSame(hf.encode(text, 512), fromNative(reference.encode(text)), text);
    assertSame(hf.encode(text, "second one", 512), fromNative(reference.encode(text, "second one")), text);
  }

  static Stream<Object[]> longPairs() {
    String longA =
        "The quick brown fox jumps over the lazy dog while the cat, unimpressed, watches from the windowsill.";
    String mediumB = "A completely different second sentence, shorter.";
    String sameLengthAsB = "Another different second sentence, shorter too."; // same token count as mediumB
    return Stream.of(
        new Object[] {longA, mediumB},
        new Object[] {mediumB, longA},
        new Object[] {mediumB, sameLengthAsB},
        new Object[] {longA, "short"},
        new Object[] {"short", longA},
        new Object[] {longA, ""},
        new Object[] {"", longA});
  }

  /** Our longest-first against the native library's own, for every length limit from 3 to past no-cut. */
  @ParameterizedTest
  @MethodSource("longPairs")
  void truncationMatchesTheNativeLongestFirst(String a, String b) throws IOException {
    int full = hf.encode(a, b, 512).length();
    for (int maxLength = 3; maxLength <= full + 1; maxLength++) {
      EncodedPair expected = fromNative(nativeReference(maxLength).encode(a, b));
      String context = "maxLength=" + maxLength + " a=" + a + " b=" + b;
      assertSame(hf.encode(a, b, maxLength), expected, context);
      assertSame(wordPiece.encode(a, b, maxLength), expected, context);
      assertThat(expected.length()).isLessThanOrEqualTo(maxLength);
    }
  }

  @Test
  void singleSentenceTruncationMatchesTheNativeOne() throws IOException {
    String text = "one two three four five six seven eight nine ten";
    for (int maxLength = 3; maxLength <= 13; maxLength++) {
      EncodedPair expected = fromNative(nativeReference(maxLength).encode(text));
      assertSame(hf.encode(text, maxLength), expected, "maxLength=" + maxLength);
      assertSame(wordPiece.encode(text, maxLength), expected, "maxLength=" + maxLength);
    }
  }

  @Test
  void equalLengthsLoseTheOddTokenFromTheFirstSentence() {
    // "one two three four five" and "six seven eight nine ten": five tokens each, budget 7 after 3 specials.
    EncodedPair e = wordPiece.encode("one two three four five", "six seven eight nine ten", 10);
    assertThat(e.typeIds()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    assertThat(hf.encode("one two three four five", "six seven eight nine ten", 10)).isEqualTo(e);
  }

  @Test
  void bothTokenizersAgreeOnSizes() {
    assertThat(wordPiece.vocabSize()).isEqualTo(30522);
    assertThat(hf.vocabSize()).isEqualTo(30522);
    assertThat(wordPiece.padId()).isZero();
    assertThat(hf.padId()).isZero();
  }

  @Test
  void encodeAllEncodesEachInput() {
    List<EncodedPair> all = hf.encodeAll(List.of("hello", "hello"), Arrays.asList("world", null), 16);
    assertThat(all).containsExactly(hf.encode("hello", "world", 16), hf.encode("hello", 16));
  }

  /**
   * The native tokenizer with its own special tokens and longest-first truncation switched on: the behaviour our
   * shared code must reproduce.
   */
  private static synchronized HuggingFaceTokenizer nativeReference(int maxLength) throws IOException {
    HuggingFaceTokenizer cached = references.get(maxLength);
    if (cached != null) {
      return cached;
    }
    HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(
        new ByteArrayInputStream(MiniLmVocab.tokenizerJson()),
        Map.of(
            "addSpecialTokens", "true",
            "truncation", "LONGEST_FIRST",
            "maxLength", Integer.toString(maxLength),
            "padding", "false"));
    references.put(maxLength, reference);
    return reference;
  }

  private static EncodedPair fromNative(ai.djl.huggingface.tokenizers.Encoding encoding) {
    return new EncodedPair(toInts(encoding.getIds()), toInts(encoding.getTypeIds()));
  }

  private static int[] toInts(long[] values) {
    return IntStream.range(0, values.length).map(i -> Math.toIntExact(values[i])).toArray();
  }

  private static void assertSame(EncodedPair actual, EncodedPair expected, String context) {
    assertThat(actual.inputIds()).as("ids for %s", context).containsExactly(expected.inputIds());
    assertThat(actual.typeIds()).as("type ids for %s", context).containsExactly(expected.typeIds());
  }
}
