package io.github.bamjava.glue.plot;

import java.util.Locale;

/** Text helpers for writing SVG by hand: escaping and compact coordinates. */
final class Svg {
  static final String FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

  private Svg() {}

  /** Escapes text for element content and double- or single-quoted attributes. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          // XML 1.0 forbids most control characters even as references; a task name should not hold one.
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** A coordinate with at most two decimals: sub-pixel precision is invisible and bloats the file. */
  static String num(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    if (s.indexOf('.') >= 0) {
      s = s.replaceAll("0+$", "");
      if (s.endsWith(".")) {
        s = s.substring(0, s.length() - 1);
      }
    }
    return s.equals("-0") ? "0" : s;
  }

  /**
   * A conservative width estimate of a text in a sans-serif font, for layout: the SVG is written without access
   * to font metrics, so margins are sized from this and a little slack.
   */
  static double textWidth(String text, double fontSize) {
    return text.length() * fontSize * 0.6;
  }
}
