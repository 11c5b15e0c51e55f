package io.github.bamjava.glue.plot;

import static io.github.bamjava.glue.plot.Svg.escape;
import static io.github.bamjava.glue.plot.Svg.num;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart written as a standalone SVG: title, axes on 1-2-5 ticks, axis labels, a legend right of the plot,
 * one polyline per series in a colour-blind-safe palette.
 *
 * <p>Use it as a fluent builder: {@code SvgChart.line("λ").xLabel("step").series("λ", x, y).toSvg()}. A series
 * is broken where y is not finite (a NaN loss), rather than drawing a line through a value that does not exist;
 * series of few points get markers so that a single epoch still shows. Each polyline carries
 * {@code class="series"} and {@code data-series="name"} so tests and scripts can find it.
 */
final class SvgChart {
  /** Below this many points a series also gets a marker per point. */
  private static final int MARKER_LIMIT = 40;

  private record Series(String name, double[] x, double[] y) {}

  private final String title;
  private final List<Series> series = new ArrayList<>();
  private String xLabel = "";
  private String yLabel = "";
  private int width = 760;
  private int height = 420;
  private boolean integerX;
  private double[] includeY = new double[0];

  private SvgChart(String title) {
    this.title = title;
  }

  /** A new line chart with this title (empty for none). */
  public static SvgChart line(String title) {
    return new SvgChart(title);
  }

  public SvgChart xLabel(String label) {
    this.xLabel = label;
    return this;
  }

  public SvgChart yLabel(String label) {
    this.yLabel = label;
    return this;
  }

  /** The size in pixels; the height grows when the legend needs more room. */
  public SvgChart size(int width, int height) {
    if (width < 200 || height < 150) {
      throw new IllegalArgumentException("chart too small: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    return this;
  }

  /** Whole-number x ticks only, for axes that count (epochs). */
  public SvgChart integerX() {
    this.integerX = true;
    return this;
  }

  /** Values the y axis must cover besides the data, e.g. 0 and 1 for a weight in [0, 1]. */
  public SvgChart includeY(double... values) {
    this.includeY = values.clone();
    return this;
  }

  /** Adds a series; points whose x or y is not finite are gaps. */
  public SvgChart series(String name, double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "series " + name + " has " + x.length + " x values and " + y.length + " y values");
    }
    series.add(new Series(name, x.clone(), y.clone()));
    return this;
  }

  /** The chart as a standalone SVG document. */
  public String toSvg() {
    List<Integer> drawn = new ArrayList<>();
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (int index = 0; index < series.size(); index++) {
      Series s = series.get(index);
      boolean any = false;
      for (int i = 0; i < s.x().length; i++) {
        if (finite(s, i)) {
          any = true;
          xMin = Math.min(xMin, s.x()[i]);
          xMax = Math.max(xMax, s.x()[i]);
          yMin = Math.min(yMin, s.y()[i]);
          yMax = Math.max(yMax, s.y()[i]);
        }
      }
      if (any) {
        drawn.add(index);
      }
    }
    for (double v : includeY) {
      yMin = Math.min(yMin, v);
      yMax = Math.max(yMax, v);
    }
    Ticks yTicks = Ticks.nice(yMin, yMax, 7);
    Ticks xTicks = integerX ? Ticks.integers(xMin, xMax, 9) : Ticks.nice(xMin, xMax, 9);
    List<ChartFrame.LegendEntry> legend = new ArrayList<>();
    // Every index refers to the position in all series, so a task keeps its colour across charts even when
    // another task has no data in one of them.
    for (int index : drawn) {
      Series s = series.get(index);
      legend.add(new ChartFrame.LegendEntry(s.name(), Palette.color(index), Palette.dash(index), false));
    }
    ChartFrame frame =
        new ChartFrame(width, height, title, xLabel, yLabel, yTicks, legend, ChartFrame.TICK_FONT);
    StringBuilder out = new StringBuilder();
    frame.begin(out);
    double scale = (frame.plotRight - frame.plotLeft) / (xTicks.upper() - xTicks.lower());
    out.append("<g class=\"x-axis\">\n");
    for (double v : xTicks.values()) {
      double x = frame.plotLeft + (v - xTicks.lower()) * scale;
      ChartFrame.line(out, x, frame.plotBottom, x, frame.plotBottom + 5);
      ChartFrame.text(out, x, frame.xTickLabelBaseline(), xTicks.label(v), "middle",
          " font-size=\"" + num(ChartFrame.TICK_FONT) + "\"");
    }
    out.append("</g>\n");
    if (drawn.isEmpty()) {
      frame.noData(out);
    }
    for (int index : drawn) {
      Series s = series.get(index);
      String color = Palette.color(index);
      out.append("<g class=\"series-group\" data-series=\"").append(escape(s.name())).append("\">\n");
      StringBuilder points = new StringBuilder();
      int count = 0;
      for (int i = 0; i <= s.x().length; i++) {
        if (i < s.x().length && finite(s, i)) {
          double px = frame.plotLeft + (s.x()[i] - xTicks.lower()) * scale;
          points.append(points.length() == 0 ? "" : " ").append(num(px)).append(',')
              .append(num(frame.y(s.y()[i])));
          count++;
        } else if (points.length() > 0) {
          out.append("<polyline class=\"series\" data-series=\"").append(escape(s.name()))
              .append("\" fill=\"none\" stroke=\"").append(color)
              .append("\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"")
              .append(ChartFrame.dashAttribute(Palette.dash(index))).append(" points=\"").append(points)
              .append("\"/>\n");
          points.setLength(0);
        }
      }
      if (count <= MARKER_LIMIT) {
        for (int i = 0; i < s.x().length; i++) {
          if (finite(s, i)) {
            double px = frame.plotLeft + (s.x()[i] - xTicks.lower()) * scale;
            out.append("<circle class=\"marker\" cx=\"").append(num(px)).append("\" cy=\"")
                .append(num(frame.y(s.y()[i]))).append("\" r=\"3\" fill=\"").append(color).append("\"/>\n");
          }
        }
      }
      out.append("</g>\n");
    }
    frame.end(out);
    return out.toString();
  }

  private static boolean finite(Series s, int i) {
    return Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]);
  }
}
