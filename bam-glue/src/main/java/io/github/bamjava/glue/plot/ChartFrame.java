package io.github.bamjava.glue.plot;

import static io.github.bamjava.glue.plot.Svg.escape;
import static io.github.bamjava.glue.plot.Svg.num;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts a line chart and a bar chart share: the margins around the plot area, the title, the y axis with
 * its grid, the axis labels and the legend. Margins are computed from the label lengths so that nothing is cut
 * off or overlaps. The legend never sits on the data: it goes right of the plot area when its labels are short,
 * and under the x axis, in centred rows, when they are long enough to squeeze the plot.
 */
final class ChartFrame {
  static final double TITLE_FONT = 15;
  static final double FONT = 12;
  static final double TICK_FONT = 11;
  private static final double TICK = 5;
  private static final double LEGEND_ROW = 18;
  private static final double SWATCH = 22;
  /** The widest a right-hand legend may be, as a fraction of the chart width, before it moves below. */
  private static final double MAX_SIDE_LEGEND = 0.25;

  /** One legend row: a line (optionally dashed) or a filled box. */
  record LegendEntry(String label, String color, String dash, boolean box) {}

  /** A legend entry with the left end of its swatch and its vertical centre. */
  private record PlacedEntry(LegendEntry entry, double x, double y) {}

  private final int width;
  private final int height;
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final Ticks yTicks;
  private final List<PlacedEntry> legend = new ArrayList<>();
  private final double xLabelBaseline;
  final double plotLeft;
  final double plotTop;
  final double plotRight;
  final double plotBottom;

  /**
   * @param xAxisHeight room below the plot area for the x tick labels (more when they are rotated)
   */
  ChartFrame(int width, int height, String title, String xLabel, String yLabel, Ticks yTicks,
      List<LegendEntry> legend, double xAxisHeight) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.yTicks = yTicks;
    double tickLabelWidth = 0;
    for (double v : yTicks.values()) {
      tickLabelWidth = Math.max(tickLabelWidth, Svg.textWidth(yTicks.label(v), TICK_FONT));
    }
    double legendWidth = 0;
    for (LegendEntry e : legend) {
      legendWidth = Math.max(legendWidth, entryWidth(e));
    }
    boolean side = !legend.isEmpty() && legendWidth <= width * MAX_SIDE_LEGEND;
    plotLeft = 12 + (yLabel.isEmpty() ? 0 : FONT + 8) + tickLabelWidth + TICK + 4;
    plotTop = title.isEmpty() ? 14 : 16 + TITLE_FONT + 14;
    plotRight = width - (side ? legendWidth + 28 : 20);
    List<List<LegendEntry>> rows = side ? List.of() : rows(legend, plotRight - plotLeft);
    double belowAxis = TICK + 4 + xAxisHeight;
    double xLabelHeight = xLabel.isEmpty() ? 0 : FONT + 8;
    double bottomMargin = belowAxis + xLabelHeight + (rows.isEmpty() ? 0 : 6 + rows.size() * LEGEND_ROW) + 8;
    // A side legend taller than the plot area makes the whole chart taller instead of running off its bottom.
    double sideHeight = side ? legend.size() * LEGEND_ROW : 0;
    this.height = (int) Math.ceil(Math.max(height, plotTop + Math.max(sideHeight, 120) + bottomMargin));
    this.width = width;
    plotBottom = this.height - bottomMargin;
    xLabelBaseline = plotBottom + belowAxis + FONT + 4;
    if (side) {
      for (int i = 0; i < legend.size(); i++) {
        this.legend.add(new PlacedEntry(legend.get(i), plotRight + 16, plotTop + 6 + i * LEGEND_ROW));
      }
    } else {
      double y = plotBottom + belowAxis + xLabelHeight + 6 + LEGEND_ROW / 2;
      for (List<LegendEntry> row : rows) {
        double rowWidth = row.stream().mapToDouble(ChartFrame::entryWidth).sum() + 18 * (row.size() - 1);
        double x = (plotLeft + plotRight - rowWidth) / 2;
        for (LegendEntry e : row) {
          this.legend.add(new PlacedEntry(e, x, y));
          x += entryWidth(e) + 18;
        }
        y += LEGEND_ROW;
      }
    }
  }

  private static double entryWidth(LegendEntry e) {
    return SWATCH + 6 + Svg.textWidth(e.label(), FONT);
  }

  /** Fills rows of at most {@code width} pixels with legend entries, in order. */
  private static List<List<LegendEntry>> rows(List<LegendEntry> legend, double width) {
    List<List<LegendEntry>> rows = new ArrayList<>();
    List<LegendEntry> row = new ArrayList<>();
    double used = 0;
    for (LegendEntry e : legend) {
      double w = entryWidth(e) + (row.isEmpty() ? 0 : 18);
      if (!row.isEmpty() && used + w > width) {
        rows.add(row);
        row = new ArrayList<>();
        w = entryWidth(e);
        used = 0;
      }
      row.add(e);
      used += w;
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    return rows;
  }

  /** The vertical pixel of a y value. */
  double y(double value) {
    return plotBottom - (value - yTicks.lower()) / (yTicks.upper() - yTicks.lower()) * (plotBottom - plotTop);
  }

  /** The bottom edge of the x tick labels' band, where the x axis label goes above. */
  double xTickLabelBaseline() {
    return plotBottom + TICK + 4 + TICK_FONT;
  }

  /** Opens the SVG and draws everything but the data and the x ticks. */
  void begin(StringBuilder out) {
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" font-family=\"").append(escape(Svg.FONT)).append("\" font-size=\"").append(num(FONT))
        .append("\">\n");
    if (!title.isEmpty()) {
      out.append("<title>").append(escape(title)).append("</title>\n");
    }
    out.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    if (!title.isEmpty()) {
      text(out, (plotLeft + plotRight) / 2, 16 + TITLE_FONT, title, "middle",
          " font-size=\"" + num(TITLE_FONT) + "\" font-weight=\"bold\"");
    }
    out.append("<g class=\"y-axis\">\n");
    for (double v : yTicks.values()) {
      double y = y(v);
      out.append("<line x1=\"").append(num(plotLeft)).append("\" y1=\"").append(num(y)).append("\" x2=\"")
          .append(num(plotRight)).append("\" y2=\"").append(num(y))
          .append("\" stroke=\"#e3e3e3\" stroke-width=\"1\"/>\n");
      line(out, plotLeft - TICK, y, plotLeft, y);
      text(out, plotLeft - TICK - 4, y + TICK_FONT * 0.35, yTicks.label(v), "end",
          " font-size=\"" + num(TICK_FONT) + "\"");
    }
    if (!yLabel.isEmpty()) {
      double x = 12 + FONT * 0.8;
      double y = (plotTop + plotBottom) / 2;
      out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y))
          .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ").append(num(x)).append(' ').append(num(y))
          .append(")\" fill=\"#222222\">").append(escape(yLabel)).append("</text>\n");
    }
    out.append("</g>\n");
    if (!xLabel.isEmpty()) {
      text(out, (plotLeft + plotRight) / 2, xLabelBaseline, xLabel, "middle", "");
    }
  }

  /** Draws the axis lines over the data, the legend, and closes the SVG. */
  void end(StringBuilder out) {
    out.append("<g class=\"axes\" stroke=\"#444444\" stroke-width=\"1\">\n");
    line(out, plotLeft, plotTop, plotLeft, plotBottom);
    line(out, plotLeft, plotBottom, plotRight, plotBottom);
    out.append("</g>\n");
    if (!legend.isEmpty()) {
      out.append("<g class=\"legend\">\n");
      for (PlacedEntry placed : legend) {
        LegendEntry e = placed.entry();
        double x = placed.x();
        double y = placed.y();
        if (e.box()) {
          out.append("<rect x=\"").append(num(x + 4)).append("\" y=\"").append(num(y - 6))
              .append("\" width=\"14\" height=\"12\" fill=\"").append(e.color()).append("\"/>\n");
        } else {
          out.append("<line x1=\"").append(num(x)).append("\" y1=\"").append(num(y)).append("\" x2=\"")
              .append(num(x + SWATCH)).append("\" y2=\"").append(num(y)).append("\" stroke=\"")
              .append(e.color()).append("\" stroke-width=\"2.5\"").append(dashAttribute(e.dash()))
              .append("/>\n");
        }
        text(out, x + SWATCH + 6, y + FONT * 0.35, e.label(), "start", " class=\"legend-label\"");
      }
      out.append("</g>\n");
    }
    out.append("</svg>\n");
  }

  /** A message in the middle of an empty plot area, so an empty chart says why it is empty. */
  void noData(StringBuilder out) {
    text(out, (plotLeft + plotRight) / 2, (plotTop + plotBottom) / 2, "no data", "middle",
        " fill-opacity=\"0.6\"");
  }

  static String dashAttribute(String dash) {
    return dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"";
  }

  static void line(StringBuilder out, double x1, double y1, double x2, double y2) {
    out.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
        .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" stroke=\"#444444\"/>\n");
  }

  static void text(StringBuilder out, double x, double y, String text, String anchor, String extra) {
    out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
        .append(anchor).append("\" fill=\"#222222\"").append(extra).append('>').append(escape(text))
        .append("</text>\n");
  }
}
