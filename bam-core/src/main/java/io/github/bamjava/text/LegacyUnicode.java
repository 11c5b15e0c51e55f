package io.github.bamjava.text;

/**
 * The characters that HuggingFace {@code tokenizers} classifies differently from Java 17 because its category
 * tables are older.
 *
 * <p>Its BERT normalizer and pre-tokenizer take the general category (control, format, non-spacing mark,
 * punctuation) from the Rust crate {@code unicode_categories}, whose tables are those of Unicode 8.0; Java 17
 * knows Unicode 13.0. A character added in Unicode 9.0 to 13.0 is therefore an ordinary letter for HuggingFace
 * (kept, not stripped, not split off) while Java calls it punctuation, a mark or a format character. Probing the
 * native library confirms the cut: U+1DA87 (Other_Punctuation, Unicode 8.0) is split off, U+2E43
 * (Other_Punctuation, 9.0) is not; U+08E3 (Nonspacing_Mark, 8.0) is stripped, U+08D4 (9.0) is not.
 *
 * <p>Five older characters changed category between 8.0 and 13.0 and are given their 8.0 category here; an
 * exhaustive comparison of every code point Java 17 knows against the native library found no others.
 *
 * <p>The table lists every code point of Unicode 9.0 to 13.0 whose category is P*, Mn, Cf, Cc or Co, from the
 * Unicode Character Database's Age and General_Category properties (as shipped with Perl's Unicode::UCD).
 * Characters newer than Unicode 13 are unassigned for Java and plain letters for HuggingFace alike.
 */
final class LegacyUnicode {
  private LegacyUnicode() {}

  /** Sorted, disjoint inclusive ranges: start, end, start, end, ... */
  private static final int[] NEWER_THAN_8_0 = {
        0x07FD, 0x07FD,
        0x08D3, 0x08E2,
        0x09FD, 0x09FE,
        0x0A76, 0x0A76,
        0x0AFA, 0x0AFF,
        0x0B55, 0x0B55,
        0x0C04, 0x0C04,
        0x0C77, 0x0C77,
        0x0C84, 0x0C84,
        0x0D00, 0x0D00,
        0x0D3B, 0x0D3C,
        0x0D81, 0x0D81,
        0x0EBA, 0x0EBA,
        0x1ABF, 0x1AC0,
        0x1DF6, 0x1DF9,
        0x1DFB, 0x1DFB,
        0x2E43, 0x2E4F,
        0x2E52, 0x2E52,
        0xA82C, 0xA82C,
        0xA8C5, 0xA8C5,
        0xA8FF, 0xA8FF,
        0x10D24, 0x10D27,
        0x10EAB, 0x10EAD,
        0x10F46, 0x10F50,
        0x10F55, 0x10F59,
        0x110CD, 0x110CD,
        0x111CF, 0x111CF,
        0x1123E, 0x1123E,
        0x1133B, 0x1133B,
        0x11438, 0x1143F,
        0x11442, 0x11444,
        0x11446, 0x11446,
        0x1144B, 0x1144F,
        0x1145A, 0x1145B,
        0x1145D, 0x1145E,
        0x11660, 0x1166C,
        0x1182F, 0x11837,
        0x11839, 0x1183B,
        0x1193B, 0x1193C,
        0x1193E, 0x1193E,
        0x11943, 0x11946,
        0x119D4, 0x119D7,
        0x119DA, 0x119DB,
        0x119E0, 0x119E0,
        0x119E2, 0x119E2,
        0x11A01, 0x11A0A,
        0x11A33, 0x11A38,
        0x11A3B, 0x11A47,
        0x11A51, 0x11A56,
        0x11A59, 0x11A5B,
        0x11A8A, 0x11A96,
        0x11A98, 0x11A9C,
        0x11A9E, 0x11AA2,
        0x11C30, 0x11C36,
        0x11C38, 0x11C3D,
        0x11C3F, 0x11C3F,
        0x11C41, 0x11C45,
        0x11C70, 0x11C71,
        0x11C92, 0x11CA7,
        0x11CAA, 0x11CB0,
        0x11CB2, 0x11CB3,
        0x11CB5, 0x11CB6,
        0x11D31, 0x11D36,
        0x11D3A, 0x11D3A,
        0x11D3C, 0x11D3D,
        0x11D3F, 0x11D45,
        0x11D47, 0x11D47,
        0x11D90, 0x11D91,
        0x11D95, 0x11D95,
        0x11D97, 0x11D97,
        0x11EF3, 0x11EF4,
        0x11EF7, 0x11EF8,
        0x11FFF, 0x11FFF,
        0x13430, 0x13438,
        0x16E97, 0x16E9A,
        0x16F4F, 0x16F4F,
        0x16FE2, 0x16FE2,
        0x16FE4, 0x16FE4,
        0x1E000, 0x1E006,
        0x1E008, 0x1E018,
        0x1E01B, 0x1E021,
        0x1E023, 0x1E024,
        0x1E026, 0x1E02A,
        0x1E130, 0x1E136,
        0x1E2EC, 0x1E2EF,
        0x1E944, 0x1E94A,
        0x1E95E, 0x1E95F
  };

  /**
   * The general category of {@code cp} (a {@link Character#getType(int)} constant) as Unicode 8.0 and so
   * HuggingFace see it, for the categories the BERT normalizer and pre-tokenizer look at.
   */
  static int type(int cp) {
    switch (cp) {
      case 0x166D: // CANADIAN SYLLABICS CHI SIGN: Po until Unicode 12.0 made it So
      case 0x111C9: // SHARADA SANDHI MARK: Po until Unicode 10.0 made it Mn
        return Character.OTHER_PUNCTUATION;
      case 0x1885: // MONGOLIAN LETTER ALI GALI BALUDA: Lo until Unicode 9.0 made it Mn
      case 0x1886: // MONGOLIAN LETTER ALI GALI THREE BALUDA: likewise
        return Character.OTHER_LETTER;
      case 0xA9BD: // JAVANESE CONSONANT SIGN KERET: Mc until Unicode 12.0 made it Mn
        return Character.COMBINING_SPACING_MARK;
      default:
        // Too new for Unicode 8.0: an ordinary letter to HuggingFace's tables.
        return isNewerThanUnicode8(cp) ? Character.OTHER_LETTER : Character.getType(cp);
    }
  }

  /** Whether {@code cp} is in the table above. */
  private static boolean isNewerThanUnicode8(int cp) {
    if (cp < NEWER_THAN_8_0[0]) {
      return false;
    }
    // Binary search for the last range start <= cp.
    int lo = 0;
    int hi = NEWER_THAN_8_0.length / 2 - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (NEWER_THAN_8_0[2 * mid] <= cp) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return cp <= NEWER_THAN_8_0[2 * lo + 1];
  }
}
