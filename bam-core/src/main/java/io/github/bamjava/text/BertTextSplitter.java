package io.github.bamjava.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * BERT's "basic tokenization": cleans and normalizes text, then splits it into words and single punctuation
 * marks, ready for word-piece matching.
 *
 * <p>It follows the HuggingFace {@code BertNormalizer} and {@code BertPreTokenizer}, in order:
 *
 * <ol>
 *   <li>drop NUL, U+FFFD and every control, format, private-use or surrogate character (Cc, Cf, Co, Cs) except
 *       tab, newline and carriage return; turn every remaining whitespace character into a space;
 *   <li>put spaces around CJK ideographs, because Chinese is written without spaces and BERT's vocabulary holds
 *       the ideographs one by one;
 *   <li>when lower-casing: decompose (NFD), drop non-spacing marks (which strips accents), then lower-case each
 *       character on its own (full Unicode mapping, no context, so a word-final capital sigma becomes σ, not ς);
 *   <li>split on whitespace (dropped) and around every punctuation character (kept as a word of its own):
 *       the ASCII symbol ranges, which include {@code $+<=>^`|~}, and the Unicode P* categories.
 * </ol>
 *
 * <p>Categories are those of Unicode 8.0, as in HuggingFace (see {@link LegacyUnicode}).
 */
final class BertTextSplitter {

  private final boolean lowerCase;

  BertTextSplitter(boolean lowerCase) {
    this.lowerCase = lowerCase;
  }

  /** The words and punctuation marks of {@code text}, in order. */
  List<String> split(String text) {
    String normalized = normalize(text);
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < normalized.length(); ) {
      int cp = normalized.codePointAt(i);
      i += Character.charCount(cp);
      if (isWhitespace(cp)) {
        flush(word, words);
      } else if (isPunctuation(cp)) {
        flush(word, words);
        words.add(new String(Character.toChars(cp)));
      } else {
        word.appendCodePoint(cp);
      }
    }
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  private String normalize(String text) {
    StringBuilder cleaned = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
        continue;
      }
      if (isWhitespace(cp)) {
        cleaned.append(' ');
      } else if (isCjkIdeograph(cp)) {
        cleaned.append(' ').appendCodePoint(cp).append(' ');
      } else {
        cleaned.appendCodePoint(cp);
      }
    }
    if (!lowerCase) {
      return cleaned.toString();
    }
    String decomposed = Normalizer.normalize(cleaned, Normalizer.Form.NFD);
    StringBuilder lowered = new StringBuilder(decomposed.length());
    for (int i = 0; i < decomposed.length(); ) {
      int cp = decomposed.codePointAt(i);
      i += Character.charCount(cp);
      if (LegacyUnicode.type(cp) == Character.NON_SPACING_MARK) {
        continue;
      }
      if (cp < 0x80) {
        lowered.append((char) (cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
      } else {
        // One character at a time, as HuggingFace does: String.toLowerCase gives the full mapping (a capital
        // dotted I becomes i + combining dot), and on a lone character no context rule (final sigma) can fire.
        lowered.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
      }
    }
    return lowered.toString();
  }

  /**
   * Controls, format characters, private use and lone surrogates. Tab, newline and carriage return count as
   * whitespace instead. Unassigned code points are kept, as HuggingFace keeps them (they become [UNK]).
   */
  private static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    switch (LegacyUnicode.type(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
        return true;
      default:
        return false;
    }
  }

  /**
   * The Unicode White_Space property. Java's {@code Character.isWhitespace} is not it: it leaves out no-break
   * spaces, which BERT treats as spaces.
   */
  private static boolean isWhitespace(int cp) {
    return cp == ' '
        || (cp >= '\t' && cp <= '\r')
        || cp == 0x85
        || Character.isSpaceChar(cp);
  }

  /**
   * The CJK Unified Ideographs blocks, their extensions and compatibility blocks, with the ranges of HuggingFace's
   * {@code BertNormalizer} (its Extension E range starts at U+2B920 where Google's BERT starts at U+2B820).
   */
  private static boolean isCjkIdeograph(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  private static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
      return true;
    }
    switch (LegacyUnicode.type(cp)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }
}
