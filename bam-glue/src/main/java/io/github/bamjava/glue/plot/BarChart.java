package io.github.bamjava.glue.plot;

import static io.github.bamjava.glue.plot.Svg.escape;
import static io.github.bamjava.glue.plot.Svg.num;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart written as a standalone SVG: one cluster of bars per category (a task), one bar per group
 * (a method, or "probability" vs "share") in each cluster, with optional error bars — made for "per-task score
 * per method, mean ± std over seeds".
 *
 * <p>Bars start at 0, so the y axis always covers 0 and every mean ± std. Category labels are turned when they
 * would not fit side by side. A bar whose mean is not finite is left out (a method not run on a task); an error
 * bar whose std is not finite or 0 is left out. Bars carry {@code class="bar"}, {@code data-category} and
 * {@code data-group}, and a tooltip with the value.
 */
public final class BarChart {
  private static final double ROTATION_DEGREES = 35;

  private record Group(String name, double[] means, double[] stds) {}

  private final String title;
  private final List<String> categories;
  private final List<Group> groups = new ArrayList<>();
  private String xLabel = "";
  private String yLabel = "";
  private int width = 760;
  private int height = 420;
  private double[] includeY = new double[0];

  private BarChart(String title, List<String> categories) {
    this.title = title;
    this.categories = List.copyOf(categories);
  }

  /** A new bar chart with this title (empty for none) and these categories along x, in order. */
  public static BarChart of(String title, List<String> categories) {
    return new BarChart(title, categories);
  }

  /** Sets the label under the x axis; returns this chart. */
  public BarChart xLabel(String label) {
    this.xLabel = label;
    return this;
  }

  /** Sets the label beside the y axis; returns this chart. */
  public BarChart yLabel(String label) {
    this.yLabel = label;
    return this;
  }

  /** The size in pixels; the height grows when the legend or turned labels need more room. */
  public BarChart size(int width, int height) {
    if (width < 200 || height < 150) {
      throw new IllegalArgumentException("chart too small: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    return this;
  }

  /** Values the y axis must cover besides the bars, e.g. 1 for shares. */
  public BarChart includeY(double... values) {
    this.includeY = values.clone();
    return this;
  }

  /** A group of bars without error bars: one value per category. */
  public BarChart group(String name, double[] values) {
    return group(name, values, null);
  }

  /**
   * A group of bars with error bars.
   *
   * @param means one bar height per category, in category order
   * @param stds the half-length of each error bar (the standard deviation), or null for none
   */
  public BarChart group(String name, double[] means, double[] stds) {
    if (means.length != categories.size() || stds != null && stds.length != categories.size()) {
      throw new IllegalArgumentException("group " + name + " needs one value per category (" + categories.size()
          + "), got " + means.length + (stds == null ? "" : " means and " + stds.length + " stds"));
    }
    groups.add(new Group(name, means.clone(), stds == null ? null : stds.clone()));
    return this;
  }

  /** The chart as a standalone SVG document. */
  public String toSvg() {
    double yMin = 0;
    double yMax = 0;
    boolean any = false;
    for (Group g : groups) {
      for (int c = 0; c < categories.size(); c++) {
        if (Double.isFinite(g.means()[c])) {
          any = true;
          double err = error(g, c);
          yMin = Math.min(yMin, g.means()[c] - err);
          yMax = Math.max(yMax, g.means()[c] + err);
        }
      }
    }
    for (double v : includeY) {
      yMin = Math.min(yMin, v);
      yMax = Math.max(yMax, v);
    }
    Ticks yTicks = Ticks.nice(yMin, yMax, 7);
    List<ChartFrame.LegendEntry> legend = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      legend.add(new ChartFrame.LegendEntry(groups.get(g).name(), Palette.color(g), "", true));
    }
    double labelWidth = 0;
    for (String c : categories) {
      labelWidth = Math.max(labelWidth, Svg.textWidth(c, ChartFrame.TICK_FONT));
    }
    ChartFrame frame = new ChartFrame(width, height, title, xLabel, yLabel, yTicks, legend, ChartFrame.TICK_FONT);
    double band = (frame.plotRight - frame.plotLeft) / Math.max(1, categories.size());
    boolean rotate = labelWidth > band * 0.9;
    if (rotate) {
      // The plot width does not depend on the x axis height, so the band computed above still holds.
      double radians = Math.toRadians(ROTATION_DEGREES);
      double drop = labelWidth * Math.sin(radians) + ChartFrame.TICK_FONT * Math.cos(radians);
      frame = new ChartFrame(width, height, title, xLabel, yLabel, yTicks, legend, drop);
    }
    StringBuilder out = new StringBuilder();
    frame.begin(out);
    out.append("<g class=\"x-axis\">\n");
    for (int c = 0; c < categories.size(); c++) {
      double x = frame.plotLeft + (c + 0.5) * band;
      double y = frame.xTickLabelBaseline();
      if (rotate) {
        ChartFrame.text(out, x, y, categories.get(c), "end", " font-size=\"" + num(ChartFrame.TICK_FONT)
            + "\" transform=\"rotate(-" + num(ROTATION_DEGREES) + " " + num(x) + " " + num(y) + ")\"");
      } else {
        ChartFrame.text(out, x, y, categories.get(c), "middle",
            " font-size=\"" + num(ChartFrame.TICK_FONT) + "\"");
      }
    }
    out.append("</g>\n");
    if (!any) {
      frame.noData(out);
    }
    double barWidth = band * 0.8 / Math.max(1, groups.size());
    double zero = frame.y(0);
    StringBuilder errors = new StringBuilder();
    out.append("<g class=\"bars\">\n");
    for (int g = 0; g < groups.size(); g++) {
      Group group = groups.get(g);
      for (int c = 0; c < categories.size(); c++) {
        double mean = group.means()[c];
        if (!Double.isFinite(mean)) {
          continue;
        }
        double left = frame.plotLeft + c * band + band * 0.1 + g * barWidth;
        double top = Math.min(zero, frame.y(mean));
        double tip = Math.abs(frame.y(mean) - zero);
        double err = error(group, c);
        String tooltip = categories.get(c) + ", " + group.name() + ": " + value(mean)
            + (err > 0 ? " ± " + value(err) : "");
        // A hairline gap between neighbouring bars keeps same-height bars of two groups apart.
        out.append("<rect class=\"bar\" data-category=\"").append(escape(categories.get(c)))
            .append("\" data-group=\"").append(escape(group.name())).append("\" x=\"").append(num(left + 0.5))
            .append("\" y=\"").append(num(top)).append("\" width=\"").append(num(Math.max(barWidth - 1, 1)))
            .append("\" height=\"").append(num(tip)).append("\" fill=\"").append(Palette.color(g))
            .append("\"><title>").append(escape(tooltip)).append("</title></rect>\n");
        if (err > 0) {
          double cx = left + barWidth / 2;
          double cap = Math.min(barWidth * 0.25, 6);
          double hi = frame.y(mean + err);
          double lo = frame.y(mean - err);
          errors.append("<path class=\"error-bar\" d=\"M").append(num(cx)).append(' ').append(num(hi))
              .append("V").append(num(lo)).append("M").append(num(cx - cap)).append(' ').append(num(hi))
              .append("H").append(num(cx + cap)).append("M").append(num(cx - cap)).append(' ').append(num(lo))
              .append("H").append(num(cx + cap)).append("\" stroke=\"#222222\" stroke-width=\"1.2\"/>\n");
        }
      }
    }
    out.append("</g>\n");
    // Error bars after all bars, so the next group's bar never covers one.
    out.append("<g class=\"error-bars\" fill=\"none\">\n").append(errors).append("</g>\n");
    frame.end(out);
    return out.toString();
  }

  private static double error(Group g, int c) {
    if (g.stds() == null || !Double.isFinite(g.stds()[c])) {
      return 0;
    }
    return Math.abs(g.stds()[c]);
  }

  private static String value(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
