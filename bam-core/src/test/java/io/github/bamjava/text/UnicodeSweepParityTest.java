package io.github.bamjava.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every character Java knows, and random mixtures of them, through both tokenizers: the check that found that
 * HuggingFace classifies characters with Unicode 8.0 tables (see {@link LegacyUnicode}).
 */
class UnicodeSweepParityTest {

  @TempDir static Path tempDir;

  private static HfPairTokenizer hf;
  private static HfPairTokenizer hfCased;
  private static WordPieceTokenizer wordPiece;
  private static WordPieceTokenizer wordPieceCased;

  @BeforeAll
  static void load() throws IOException {
    hf = HfPairTokenizer.fromStream(new ByteArrayInputStream(MiniLmVocab.tokenizerJson()), "uncased");
    hfCased = HfPairTokenizer.fromStream(new ByteArrayInputStream(MiniLmVocab.casedTokenizerJson()), "cased");
    Path vocab = MiniLmVocab.writeVocabTxt(tempDir);
    wordPiece = WordPieceTokenizer.fromVocabFile(vocab, true);
    wordPieceCased = WordPieceTokenizer.fromVocabFile(vocab, false);
  }

  @AfterAll
  static void close() {
    hf.close();
    hfCased.close();
  }

  @Test
  void everyAssignedCharacterBetweenLetters() {
    List<String> mismatches = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.getType(cp) == Character.UNASSIGNED || Character.getType(cp) == Character.SURROGATE) {
        continue;
      }
      // Between letters, a character shows every role it can have: dropped, stripped, split off or part of a word.
      String text = "a" + new String(Character.toChars(cp)) + "B";
      if (!wordPiece.encode(text, 16).equals(hf.encode(text, 16))) {
        mismatches.add(String.format("U+%04X uncased", cp));
      }
      if (!wordPieceCased.encode(text, 16).equals(hfCased.encode(text, 16))) {
        mismatches.add(String.format("U+%04X cased", cp));
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void randomMixtures() {
    Random random = new Random(20190701);
    List<String> mismatches = new ArrayList<>();
    for (int n = 0; n < 3000; n++) {
      String text = randomText(random);
      if (!wordPiece.encode(text, 512).equals(hf.encode(text, 512))
          || !wordPieceCased.encode(text, 512).equals(hfCased.encode(text, 512))) {
        mismatches.add(text.codePoints().mapToObj(cp -> String.format("U+%04X", cp)).toList().toString());
      }
    }
    assertThat(mismatches).isEmpty();
  }

  /** Up to 12 code points: ASCII, the lower BMP, the whole BMP and the supplementary planes equally often. */
  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    int length = 1 + random.nextInt(12);
    while (text.codePointCount(0, text.length()) < length) {
      int cp =
          switch (random.nextInt(4)) {
            case 0 -> 32 + random.nextInt(95);
            case 1 -> random.nextInt(0x3000);
            case 2 -> random.nextInt(0x10000);
            default -> 0x10000 + random.nextInt(0x20000);
          };
      if (Character.getType(cp) != Character.SURROGATE) {
        text.appendCodePoint(cp);
      }
    }
    return text.toString();
  }
}
