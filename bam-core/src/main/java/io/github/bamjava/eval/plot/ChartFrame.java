package io.github.bamjava.eval.plot;

import static io.github.bamjava.eval.plot.Svg.escape;
import static io.github.bamjava.eval.plot.Svg.num;

import java.util.List;

/**
 * The parts a line chart and a bar chart share: the margins around the plot area, the title, the y axis with
 * its grid, the axis labels and the legend. Margins are computed from the label lengths so that nothing is cut
 * off or overlaps, and the legend sits right of the plot area where it cannot hide data.
 */
final class ChartFrame {
  static final double TITLE_FONT = 15;
  static final double FONT = 12;
  static final double TICK_FONT = 11;
  private static final double TICK = 5;
  private static final double LEGEND_ROW = 18;
  private static final double SWATCH = 22;

  /** One legend row: a line (optionally dashed) or a filled box. */
  record LegendEntry(String label, String color, String dash, boolean box) {}

  private final int width;
  private final int height;
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final Ticks yTicks;
  private final List<LegendEntry> legend;
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
    this.legend = List.copyOf(legend);
    double tickLabelWidth = 0;
    for (double v : yTicks.values()) {
      tickLabelWidth = Math.max(tickLabelWidth, Svg.textWidth(yTicks.label(v), TICK_FONT));
    }
    double legendWidth = 0;
    for (LegendEntry e : legend) {
      legendWidth = Math.max(legendWidth, SWATCH + 6 + Svg.textWidth(e.label(), FONT));
    }
    plotLeft = 12 + (yLabel.isEmpty() ? 0 : FONT + 8) + tickLabelWidth + TICK + 4;
    plotTop = title.isEmpty() ? 14 : 16 + TITLE_FONT + 14;
    double bottomMargin = TICK + 4 + xAxisHeight + (xLabel.isEmpty() ? 0 : FONT + 10) + 8;
    // A legend taller than the plot area makes the whole chart taller instead of running off its bottom.
    double legendHeight = legend.size() * LEGEND_ROW;
    this.height = (int) Math.ceil(Math.max(height, plotTop + legendHeight + bottomMargin));
    this.width = width;
    plotRight = width - (legend.isEmpty() ? 20 : legendWidth + 28);
    plotBottom = this.height - bottomMargin;
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
      text(out, (plotLeft + plotRight) / 2, height - 10, xLabel, "middle", "");
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
      double x = plotRight + 16;
      for (int i = 0; i < legend.size(); i++) {
        LegendEntry e = legend.get(i);
        double y = plotTop + 6 + i * LEGEND_ROW;
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
