package io.github.bamjava.examples;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.study.Study;
import io.github.bamjava.glue.study.StudyConfig;
import io.github.bamjava.glue.study.StudyJob;
import io.github.bamjava.glue.study.StudyMethod;
import io.github.bamjava.glue.study.StudyReport;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.runtime.GracefulStop;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code bam study}: the paper's methods and ablations over several seeds, and the report of their results. */
@Command(name = "study", mixinStandardHelpOptions = true,
    header = "Run the paper's study over seeds, or report it.",
    description = {"Runs Single, Multi, Single->Single, Multi->Multi, Single->Multi (BAM), four ablations and",
        "single-task fine-tuning over several seeds on a GLUE directory (resumable; several workers may share",
        "one study), or writes the report: tables with significance tests and plots (see docs/results.md).", ""},
    subcommands = {StudyCommand.Run.class, StudyCommand.Report.class})
final class StudyCommand {

  /** {@code bam study run}: one worker of a study. */
  @Command(name = "run", mixinStandardHelpOptions = true, header = "Run (or continue) a study as one worker, or"
      + " on Apache Spark with --spark.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--glue-dir", required = true, paramLabel = "DIR", description = "GLUE data in the standard"
        + " layout.")
    Path glueDir;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "The study directory (default:"
        + " ${DEFAULT-VALUE}).")
    Path output = Path.of("runs", "study");

    @Option(names = "--seeds", split = ",", paramLabel = "SEED", description = "Seeds (default: 1,2,3).")
    List<Long> seeds = List.of(1L, 2L, 3L);

    @Option(names = "--tasks", split = ",", paramLabel = "TASK", converter = GlueTaskConverter.class,
        description = "Tasks (default: every task found but WNLI).")
    List<GlueTask> tasks = List.of();

    @Option(names = "--methods", split = ",", paramLabel = "METHOD", converter = MethodConverter.class,
        description = "Methods by directory name, e.g. bam,bam-bucketed (default: all); the methods they learn"
            + " from or start from are added.")
    List<StudyMethod> methods = List.of(StudyMethod.values());

    @Option(names = "--run-id", paramLabel = "ID", description = "Shared by the workers of one launch (default:"
        + " a new one, for a single worker); not used with --spark.")
    String runId = "run-" + Instant.now().toEpochMilli();

    @Option(names = "--keep-models", description = "Keep every job's model (by default only those that other"
        + " jobs start from).")
    boolean keepModels;

    @Option(names = "--draw-per-seed", description = "Each seed also draws each task's training examples (the"
        + " preset's budgets, drawn with the seed), so that seeds replicate the data as well as the training;"
        + " by default every seed trains on the preset's one draw. Fixed for a study directory.")
    boolean drawPerSeed;

    @Mixin SparkOption spark;

    /** The study the options describe, with progress lines into {@code progress}. */
    Study study(PrintStream progress) {
      return Study.of(StudyConfig.of(glueDir, output).withSeeds(seeds).withTasks(tasks).withMethods(methods)
          .withKeepModels(keepModels).withDrawPerSeed(drawPerSeed), progress);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      Study study = study(out);
      saveDescription(study, output);
      if (spark.isSet()) {
        SparkOption.PlanOutcome outcome = spark.runStudy(spec, out);
        if (!outcome.unfinished().isEmpty()) {
          out.printf("study: %d job(s) failed on Spark (%s); %d job(s) unfinished, e.g. %s%n",
              outcome.failed().size(), String.join(", ", outcome.failed()), outcome.unfinished().size(),
              outcome.unfinished().get(0));
          return BamCli.EXIT_FAILURE;
        }
        out.printf("study: all jobs are done%n");
        return 0;
      }
      int failures = study.runWorker(runId);
      if (failures > 0) {
        return BamCli.EXIT_FAILURE;
      }
      // Another worker's failed job leaves its dependants undone: the study is not finished, whoever failed.
      List<StudyJob> left = GracefulStop.requested() ? List.of() : study.unfinished();
      if (!left.isEmpty()) {
        out.printf("study: %d job(s) unfinished, waiting on failed jobs (%s: *.failed), e.g. %s%n", left.size(),
            output.resolve("claims"), left.get(0));
        return BamCli.EXIT_FAILURE;
      }
      return 0;
    }
  }

  /**
   * Writes the study's study.json, or refuses when the directory holds a study with other settings. More (or
   * other) seeds extend a study: study.json lists every seed any launch asked for, so a later launch of fewer
   * seeds (the rest of the protocol on seeds 1-3 after a main comparison on 1-5) does not hide the others. Each
   * task's majority class is derived from its data, so a study.json written before majority classes were
   * recorded gains them rather than counting as another study.
   */
  static void saveDescription(Study study, Path output) throws IOException {
    Path file = output.resolve("study.json");
    JsonObject now = study.describe();
    if (Files.isRegularFile(file)) {
      JsonObject was = Study.readDescription(file);
      // Any change but the seeds would mix incomparable runs.
      if (!settingsOf(was).equals(settingsOf(now))) {
        throw new IllegalArgumentException(output + " holds a study with other settings; choose another"
            + " --output.\n  was: " + was + "\n  now: " + now);
      }
      now.add("seeds", seedsOfBoth(was, now));
      keepMajoritiesOfOtherSeeds(was, now);
      if (was.equals(now)) {
        return;
      }
    }
    AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(now) + "\n");
  }

  private static JsonArray seedsOfBoth(JsonObject was, JsonObject now) {
    TreeSet<Long> seeds = new TreeSet<>();
    for (JsonObject d : List.of(was, now)) {
      if (d.get("seeds") instanceof JsonArray list) {
        list.forEach(seed -> seeds.add(seed.getAsLong()));
      }
    }
    JsonArray out = new JsonArray();
    seeds.forEach(out::add);
    return out;
  }

  /** Copies into {@code now} the seeds' majority classes that only {@code was} has: a launch names its own seeds. */
  private static void keepMajoritiesOfOtherSeeds(JsonObject was, JsonObject now) {
    JsonObject nowTasks = now.getAsJsonObject("tasks");
    was.getAsJsonObject("tasks").entrySet().forEach(task -> {
      if (task.getValue().getAsJsonObject().get(Study.MAJORITY_BY_SEED) instanceof JsonObject before
          && nowTasks.get(task.getKey()) instanceof JsonObject nowTask
          && nowTask.get(Study.MAJORITY_BY_SEED) instanceof JsonObject after) {
        before.entrySet().forEach(seed -> {
          if (!after.has(seed.getKey())) {
            after.add(seed.getKey(), seed.getValue());
          }
        });
      }
    });
  }

  /** A study description without what may change within one study: its seeds and derived majority classes. */
  private static JsonObject settingsOf(JsonObject description) {
    JsonObject settings = description.deepCopy();
    settings.remove("seeds");
    JsonObject tasks = settings.getAsJsonObject("tasks");
    if (tasks != null) {
      tasks.entrySet().stream().filter(e -> e.getValue().isJsonObject())
          .forEach(e -> {
            e.getValue().getAsJsonObject().remove(Study.MAJORITY);
            e.getValue().getAsJsonObject().remove(Study.MAJORITY_BY_SEED);
          });
    }
    return settings;
  }

  /** {@code bam study report}: tables, significance tests and plots from a study's saved predictions. */
  @Command(name = "report", mixinStandardHelpOptions = true, header = "Write the report of a study.")
  static final class Report implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "The study directory (default:"
        + " ${DEFAULT-VALUE}).")
    Path output = Path.of("runs", "study");

    @Option(names = "--resamples", paramLabel = "N", description = "Bootstrap resamples (default:"
        + " ${DEFAULT-VALUE}).")
    int resamples = 1000;

    @Option(names = "--glue-dir", paramLabel = "DIR", description = "The GLUE data the study ran on: records"
        + " each task's majority class (the tables' baseline row) in a study.json written before they were"
        + " recorded. Checks that the data and settings give the same study; trains nothing.")
    Path glueDir;

    @Option(names = "--companion", paramLabel = "DIR", description = "Another study under the same analysis plan"
        + " (the data-draw study beside the fixed-subset one, or the other way round): its planned comparisons"
        + " join the report's stricter families. Repeatable.")
    List<Path> companions = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      if (resamples < 1) {
        throw new ParameterException(spec.commandLine(), "--resamples must be >= 1, got " + resamples);
      }
      if (glueDir != null) {
        Path file = output.resolve("study.json");
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException(output + " is not a study directory: " + file + " is missing");
        }
        JsonObject saved = Study.readDescription(file);
        List<GlueTask> tasks = saved.getAsJsonObject("tasks").keySet().stream().map(GlueTask::byName).toList();
        if (!saved.has("seeds")) {
          throw new IllegalArgumentException(file + " lists no \"seeds\": it was not written by bam study run");
        }
        List<Long> seeds = new ArrayList<>();
        saved.getAsJsonArray("seeds").forEach(seed -> seeds.add(seed.getAsLong()));
        boolean perSeed = saved.has(Study.TRAIN_DRAW)
            && Study.PER_SEED.equals(saved.get(Study.TRAIN_DRAW).getAsString());
        saveDescription(Study.of(StudyConfig.of(glueDir, output).withTasks(tasks).withSeeds(seeds)
            .withDrawPerSeed(perSeed), System.out), output);
      }
      Path written = StudyReport.write(output, resamples, companions);
      spec.commandLine().getOut().println("report -> " + written);
      return 0;
    }
  }

  /** A study method from its directory name, or an error that lists the names. */
  static final class MethodConverter implements ITypeConverter<StudyMethod> {
    @Override
    public StudyMethod convert(String value) {
      try {
        return StudyMethod.byDirName(value.trim());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("no study method '" + value.trim() + "'; methods: "
            + Arrays.stream(StudyMethod.values()).map(StudyMethod::dirName).collect(Collectors.joining(", ")));
      }
    }
  }
}
