package io.github.bamjava.examples;

import io.github.bamjava.glue.plot.RunPlots;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bam plot}: the standard charts of a training run, drawn from its {@code metrics.jsonl}. */
@Command(name = "plot", mixinStandardHelpOptions = true,
    header = "Draw a training run's charts from its metrics.jsonl.",
    description = {"Writes four SVG charts into the output directory: lambda.svg (teacher-annealing λ and the",
        "learning rate), task-loss.svg (training loss per task), dev-metrics.svg (dev score per task and",
        "epoch) and task-shares.svg (sampler probability against the realised share of each task).", ""})
final class PlotCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "METRICS", description = "A run's metrics.jsonl, e.g."
      + " runs/quickstart/student/metrics.jsonl.")
  Path metrics;

  @Parameters(index = "1", paramLabel = "OUTPUT_DIR", arity = "0..1", description = "Where the charts go"
      + " (created if needed; default: plots/ next to METRICS).")
  Path output;

  @Override
  public Integer call() throws IOException {
    Path dir = output != null ? output : metrics.toAbsolutePath().getParent().resolve("plots");
    PrintWriter out = spec.commandLine().getOut();
    for (Path chart : RunPlots.write(metrics, dir)) {
      out.println(chart);
    }
    out.flush();
    return 0;
  }
}
