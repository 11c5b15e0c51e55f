package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.bamjava.internal.io.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where a pipeline run's time and memory went, phase by phase ({@link PhaseTiming}). A {@link BamPipeline} prints
 * the {@link #table()} when it ends and writes the {@link #json()} to {@value #FILE} in its output directory, where
 * {@link #read} finds it again.
 *
 * @param phases the phases in the order they ran
 */
public record PhaseTimings(List<PhaseTiming> phases) {

  /** The file in a run's output directory that holds the timings of its last run. */
  public static final String FILE = "timings.json";

  /** Copies the list. */
  public PhaseTimings {
    phases = ImmutableList.copyOf(phases);
  }

  /** The wall time of all phases. */
  public double seconds() {
    return phases.stream().mapToDouble(PhaseTiming::seconds).sum();
  }

  /** The highest resident memory of the process by the end of the last phase (0 where unknown). */
  public long peakResidentBytes() {
    return phases.stream().mapToLong(PhaseTiming::peakResidentBytes).max().orElse(0);
  }

  /**
   * A plain-text table, one line per phase and a total, every line starting with its phase's name: wall seconds,
   * dev-evaluation seconds, examples, tokens, estimated GFLOP and GFLOP/s, resident MiB at the phase's end and the
   * peak so far. A reused phase says so instead of a rate.
   */
  public String table() {
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%-24s %9s %8s %9s %11s %10s %8s %8s %8s%n",
        "phase", "seconds", "dev s", "examples", "tokens", "GFLOP", "GFLOP/s", "RSS MiB", "peak MiB"));
    for (PhaseTiming p : phases) {
      t.append(String.format(Locale.ROOT, "%-24s %9.1f %8.1f %9d %11d %10s %8s %8d %8d%n", p.name(), p.seconds(),
          p.devSeconds(), p.examples(), p.tokens(), number(p.flops() / 1e9, "%.0f"),
          p.reused() ? "reused" : number(p.gflopsPerSecond(), "%.1f"), p.residentBytes() >> 20,
          p.peakResidentBytes() >> 20));
    }
    double flops = phases.stream().mapToDouble(PhaseTiming::flops).filter(Double::isFinite).sum();
    t.append(String.format(Locale.ROOT, "%-24s %9.1f %8.1f %9d %11d %10.0f %8s %8s %8d%n", "total", seconds(),
        phases.stream().mapToDouble(PhaseTiming::devSeconds).sum(),
        phases.stream().mapToLong(PhaseTiming::examples).sum(), phases.stream().mapToLong(PhaseTiming::tokens).sum(),
        flops / 1e9, "", "", peakResidentBytes() >> 20));
    return t.toString();
  }

  private static String number(double value, String format) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-";
  }

  /** The timings as JSON: {@code {"phases": [{"name": ..., "seconds": ..., ...}], "seconds": total}}. */
  public String json() {
    JsonArray list = new JsonArray();
    for (PhaseTiming p : phases) {
      JsonObject o = new JsonObject();
      o.addProperty("name", p.name());
      o.addProperty("seconds", p.seconds());
      o.addProperty("devSeconds", p.devSeconds());
      o.addProperty("examples", p.examples());
      o.addProperty("tokens", p.tokens());
      // JSON has no NaN: an unknown count is left out.
      if (Double.isFinite(p.flops())) {
        o.addProperty("flops", p.flops());
        o.addProperty("gflopsPerSecond", p.gflopsPerSecond());
      }
      o.addProperty("reused", p.reused());
      o.addProperty("residentBytes", p.residentBytes());
      o.addProperty("peakResidentBytes", p.peakResidentBytes());
      list.add(o);
    }
    JsonObject root = new JsonObject();
    root.add("phases", list);
    root.addProperty("seconds", seconds());
    root.addProperty("peakResidentBytes", peakResidentBytes());
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }

  /**
   * The timings a run wrote into {@code outputDir}.
   *
   * @throws IOException naming the file when it is missing, not JSON, or a phase lacks a field
   */
  public static PhaseTimings read(Path outputDir) throws IOException {
    Path file = requireNonNull(outputDir, "outputDir").resolve(FILE);
    JsonObject root = JsonFiles.readObject(file);
    ImmutableList.Builder<PhaseTiming> phases = ImmutableList.builder();
    try {
      for (JsonElement e : root.getAsJsonArray("phases")) {
        JsonObject o = e.getAsJsonObject();
        phases.add(new PhaseTiming(o.get("name").getAsString(), o.get("seconds").getAsDouble(),
            o.get("devSeconds").getAsDouble(), o.get("examples").getAsLong(), o.get("tokens").getAsLong(),
            o.has("flops") ? o.get("flops").getAsDouble() : Double.NaN, o.get("reused").getAsBoolean(),
            o.get("residentBytes").getAsLong(), o.get("peakResidentBytes").getAsLong()));
      }
    } catch (RuntimeException e) {
      throw new IOException(file + ": not a phase list (" + e + ")", e);
    }
    return new PhaseTimings(phases.build());
  }
}
