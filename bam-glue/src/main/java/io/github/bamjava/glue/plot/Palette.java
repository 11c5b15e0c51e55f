package io.github.bamjava.glue.plot;

import java.util.List;

/**
 * Series colours: the Okabe-Ito palette, designed to stay distinct under the common forms of colour blindness.
 * Its yellow is left out because it is barely visible as a thin line on white; after the seven colours the
 * cycle repeats with a dash pattern, so a nine-task GLUE run still has nine distinguishable lines.
 */
final class Palette {
  private static final List<String> COLORS =
      List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000");
  private static final List<String> DASHES = List.of("", "6 3", "2 2", "8 3 2 3");

  private Palette() {}

  static String color(int index) {
    return COLORS.get(index % COLORS.size());
  }

  /** An SVG stroke-dasharray, empty for a solid line. */
  static String dash(int index) {
    return DASHES.get((index / COLORS.size()) % DASHES.size());
  }
}
