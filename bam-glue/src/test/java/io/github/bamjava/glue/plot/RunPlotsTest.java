package io.github.bamjava.glue.plot;

import static io.github.bamjava.glue.plot.SvgAssert.elements;
import static io.github.bamjava.glue.plot.SvgAssert.parse;
import static io.github.bamjava.glue.plot.SvgAssert.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class RunPlotsTest {
  @TempDir Path dir;

  @Test
  void writesTheFourChartsOfAResumedRun() throws Exception {
    SampleRun sample = new SampleRun(50, 3, 16);
    Path log = dir.resolve("metrics.jsonl");
    sample.write(log, 120);
    RunMetrics run = MetricsLogReader.read(log);

    List<Path> files = RunPlots.write(log, dir.resolve("plots"));

    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("lambda.svg", "task-loss.svg", "dev-metrics.svg", "task-shares.svg");
    Document lambda = svg(files.get(0));
    assertThat(elements(lambda, "polyline", "series")).extracting(SvgAssert::points).containsExactly(150, 150);

    Document loss = svg(files.get(1));
    List<Element> lossLines = elements(loss, "polyline", "series");
    assertThat(lossLines).extracting(e -> e.getAttribute("data-series"))
        .containsExactlyElementsOf(SampleRun.TASKS);
    for (Element line : lossLines) {
      String task = line.getAttribute("data-series");
      long present = run.steps().stream().filter(s -> s.taskLoss().containsKey(task)).count();
      assertThat(SvgAssert.points(line)).as(task).isEqualTo((int) present);
    }
    assertThat(texts(loss)).anyMatch(t -> t.contains("moving average over 3 steps"));

    Document dev = svg(files.get(2));
    assertThat(elements(dev, "polyline", "series")).hasSize(4).allSatisfy(l ->
        assertThat(SvgAssert.points(l)).isEqualTo(3));
    assertThat(texts(dev)).contains("CoLA (mcc)", "MRPC (accuracy/f1)", "STS-B (pearson/spearman)");

    Document shares = svg(files.get(3));
    assertThat(elements(shares, "rect", "bar")).hasSize(8);
    assertThat(texts(shares)).containsAll(SampleRun.TASKS)
        .contains("sampler probability", "realised share (2,400 examples, 3 epochs)");
  }

  @Test
  void movingAverageIsCentredAndGoesByStepNumber() {
    double[] x = {1, 2, 3, 5, 6};
    double[] y = {1, 2, 3, 5, Double.NaN};

    double[] smooth = RunPlots.movingAverage(x, y, 3);

    // Within ±1 step: {1,2}, {1,2,3}, {2,3}, {5 (6 is NaN)}, {5}.
    assertThat(smooth).containsExactly(new double[] {1.5, 2, 2.5, 5, 5}, within(1e-12));
    assertThat(RunPlots.movingAverage(x, y, 1)).containsExactly(y);
    assertThat(RunPlots.smoothingWindow(10_000)).isEqualTo(200);
    assertThat(RunPlots.smoothingWindow(20)).isEqualTo(1);
  }

  @Test
  void peakLearningRateIsWrittenShort() {
    assertThat(RunPlots.shortNumber(5e-5)).isEqualTo("5e-5");
    assertThat(RunPlots.shortNumber(2.5e-5)).isEqualTo("2.5e-5");
    assertThat(RunPlots.shortNumber(0.001)).isEqualTo("0.001");
    assertThat(RunPlots.shortNumber(0.1234)).isEqualTo("0.123");
  }

  @Test
  void longRunsAreThinned() throws Exception {
    SampleRun sample = new SampleRun(1500, 2, 4);
    Path log = dir.resolve("metrics.jsonl");
    sample.write(log, sample.totalSteps());

    Path out = RunPlots.write(log, dir).get(0);

    assertThat(elements(svg(out), "polyline", "series")).extracting(SvgAssert::points)
        .containsExactly(RunPlots.MAX_POINTS, RunPlots.MAX_POINTS);
  }

  @Test
  void emptyLogStillGivesFourCharts() throws Exception {
    Path log = Files.writeString(dir.resolve("metrics.jsonl"), "");

    for (Path p : RunPlots.write(log, dir)) {
      assertThat(texts(svg(p))).contains("no data");
    }
  }

  /** Writes the sample charts for a person to look at: {@code -Dbam.plots.sample=/tmp/plots-sample}. */
  @Test
  @EnabledIfSystemProperty(named = "bam.plots.sample", matches = ".+")
  void renderSample() throws Exception {
    Path out = Path.of(System.getProperty("bam.plots.sample"));
    Files.createDirectories(out);
    SampleRun sample = new SampleRun(2000, 3, 32);
    Path log = out.resolve("metrics.jsonl");
    sample.write(log, 4600);
    RunPlots.write(log, out);
    List<String> glue = List.of("CoLA", "SST-2", "MRPC", "STS-B", "QQP", "MNLI", "QNLI", "RTE", "WNLI");
    String methods = BarChart.of("GLUE dev score per method (mean ± std over 3 seeds)", glue)
        .yLabel("dev score").includeY(1)
        .group("Single", new double[] {0.6, 0.93, 0.87, 0.89, 0.91, 0.86, 0.92, 0.7, 0.56},
            new double[] {0.02, 0.004, 0.01, 0.003, 0.001, 0.002, 0.003, 0.03, 0.0})
        .group("Multi", new double[] {0.59, 0.935, 0.89, 0.9, 0.905, 0.855, 0.915, 0.78, 0.56},
            new double[] {0.015, 0.003, 0.012, 0.004, 0.001, 0.002, 0.002, 0.02, 0.0})
        .group("Single→Multi (BAM)", new double[] {0.62, 0.94, 0.9, 0.9, 0.912, 0.865, 0.925, 0.8, 0.56},
            new double[] {0.01, 0.002, 0.008, 0.003, 0.001, 0.001, 0.002, 0.025, 0.0})
        .toSvg();
    Files.writeString(out.resolve("methods.svg"), methods, StandardCharsets.UTF_8);
  }

  private static Document svg(Path file) throws Exception {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }
}
