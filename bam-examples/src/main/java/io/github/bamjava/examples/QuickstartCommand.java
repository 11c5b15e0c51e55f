package io.github.bamjava.examples;

import io.github.bamjava.glue.GlueBam;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.glue.TrainBudget;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.task.TrainCap;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bam quickstart}: the whole BAM pipeline on the embedded MiniLM and a small multi-task sample that ships
 * in this jar (sentiment, entailment, similarity; written for the project), in a few minutes on a laptop.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    header = "The whole BAM pipeline on a built-in sample, in minutes.",
    description = {"Run the whole BAM pipeline on a small built-in sample: three single-task teachers, their",
        "predictions, one multi-task student distilled from them with teacher annealing, dev scores and",
        "submission files. Uses the embedded all-MiniLM-L6-v2 encoder; no network. About 2-3 minutes on",
        "2 CPU cores.", ""})
final class QuickstartCommand implements Callable<Integer> {

  /**
   * Sized for 2 CPU cores and a few minutes: 240 examples per task, short sentences (max 64 tokens), batch 16.
   * The teachers get 2 epochs (30 updates each), the student 4 epochs over the three tasks (180 updates), all at
   * lr 1e-4, which MiniLM learns these tasks with. Layer decay and task exponent are the paper's.
   */
  static final Preset QUICKSTART = new Preset(new Recipe("quickstart", new Stage(1e-4, 16, 2),
      new Stage(1e-4, 16, 4), new Stage(5e-5, 16, 1), 64, 0.9, 0.75, HeadOptions.DEFAULT, false),
      TrainBudget.of(TrainCap.all()));

  /** The sample's tasks and files, under this class's package in the jar. */
  static final List<GlueTask> TASKS = List.of(GlueTask.SST2, GlueTask.RTE, GlueTask.STSB);
  private static final String RESOURCES = "quickstart/";

  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, defaultValue = "runs/quickstart", paramLabel = "DIR",
      description = "Output directory (default: ${DEFAULT-VALUE}); a second run reuses its teachers.")
  Path output;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of every training run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws IOException {
    threads.apply(spec);
    Path data = extractSample(output.resolve("data"));
    GlueBam.Result result = GlueBam.of(GlueBam.Settings.of(data, output)
        .withTasks(TASKS)
        .withPreset(QUICKSTART)
        .withPipeline(p -> p.withSeed(seed)), System.out)
        .run();
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.println("Dev results (scores x 100; Majority class and Best constant = baselines that see no text, Single"
        + " = one teacher per task, BAM = the multi-task student):");
    out.println();
    out.print(result.markdown());
    out.printf(Locale.ROOT, "%nWritten to %s (results.md, results.json, submission/) in %.0f s.%n",
        output.toAbsolutePath(), result.seconds());
    out.flush();
    return 0;
  }

  /**
   * Copies the sample's GLUE-layout files out of the jar into {@code dir}; returns {@code dir}. Each file is
   * replaced atomically: a second quickstart into the same output rewrites the sample before it meets the first
   * one's output lock, and the first reads test.tsv again at the end of its run, so a copy made in place could
   * hand it a missing or truncated file (one left truncated for good if the second was killed mid-copy).
   */
  static Path extractSample(Path dir) throws IOException {
    for (GlueTask task : TASKS) {
      for (String split : List.of("train.tsv", "dev.tsv", "test.tsv")) {
        String name = task.dirName() + "/" + split;
        try (InputStream in = QuickstartCommand.class.getResourceAsStream(RESOURCES + name)) {
          if (in == null) {
            throw new IOException("the quickstart sample is missing from the jar: " + RESOURCES + name);
          }
          AtomicFiles.write(dir.resolve(name), channel -> in.transferTo(Channels.newOutputStream(channel)));
        }
      }
    }
    return dir;
  }
}
