package io.github.bamjava.glue.plot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tick values of a chart axis on a 1-2-5 grid.
 *
 * <p>The step is the smallest of 1, 2 or 5 times a power of ten that needs at most {@code maxTicks} ticks to
 * cover the data, and the axis is widened to the enclosing multiples of the step, so no data point lies beyond
 * the outermost ticks: the range 0..0.87 with at most 6 ticks gives 0, 0.2, 0.4, 0.6, 0.8, 1.0. Tick values are
 * computed as decimals, so 0.6 is exactly the double {@code 0.6} and its label is "0.6", not "0.6000000001".
 *
 * @param lower the axis minimum, the first tick
 * @param upper the axis maximum, the last tick
 * @param step distance between ticks
 * @param values the ticks from lower to upper
 */
record Ticks(double lower, double upper, double step, List<Double> values) {

  private static final int[] MANTISSAS = {1, 2, 5, 10};

  public Ticks {
    values = List.copyOf(values);
  }

  /** Nice ticks covering {@code min..max} with at most {@code maxTicks} (at least 2) values. */
  public static Ticks nice(double min, double max, int maxTicks) {
    return compute(min, max, maxTicks, false);
  }

  /** Like {@link #nice}, but the step is a whole number, for axes that count (epochs). */
  public static Ticks integers(double min, double max, int maxTicks) {
    return compute(min, max, maxTicks, true);
  }

  private static Ticks compute(double min, double max, int maxTicks, boolean integral) {
    if (maxTicks < 2) {
      throw new IllegalArgumentException("maxTicks must be at least 2, got " + maxTicks);
    }
    if (!Double.isFinite(min) || !Double.isFinite(max)) {
      min = 0;
      max = 1;
    }
    if (min > max) {
      double t = min;
      min = max;
      max = t;
    }
    if (min == max) {
      // A flat series still needs a scale; centre it in a span of about a tenth of its size (or 1 around 0).
      double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
      min -= pad;
      max += pad;
      if (integral) {
        min = Math.floor(min);
        max = Math.ceil(max);
      }
    }
    int exponent = (int) Math.floor(Math.log10((max - min) / (maxTicks - 1)));
    if (integral) {
      exponent = Math.max(exponent, 0);
    }
    while (true) {
      for (int mantissa : MANTISSAS) {
        BigDecimal step = BigDecimal.valueOf(mantissa).scaleByPowerOfTen(exponent);
        double s = step.doubleValue();
        long first = (long) Math.floor(min / s + 1e-9);
        long last = (long) Math.ceil(max / s - 1e-9);
        if (last - first + 1 <= maxTicks) {
          List<Double> values = new ArrayList<>();
          for (long k = first; k <= last; k++) {
            values.add(step.multiply(BigDecimal.valueOf(k)).doubleValue());
          }
          return new Ticks(values.get(0), values.get(values.size() - 1), s, values);
        }
      }
      exponent++;
    }
  }

  /** The label of a tick value: as many decimals as the step needs, scientific for very small or large steps. */
  public String label(double value) {
    if (value == 0) {
      return "0";
    }
    int stepExponent = (int) Math.floor(Math.log10(step) + 1e-9);
    if (stepExponent < -3 || stepExponent > 5) {
      // 2e-05 reads better than 0.00002; one significant digit more than the step's keeps labels distinct.
      return String.format(Locale.ROOT, "%.1e", value).replace("e-0", "e-").replace("e+0", "e").replace("e+",
          "e");
    }
    int decimals = Math.max(0, -stepExponent);
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
