package io.github.bamjava.examples;

import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --spark MASTER} of the training commands: without it they run in this process as always; with it their
 * units (teachers, predictions, student, fine-tunings; a study's jobs) run as Spark tasks (bam-spark,
 * docs/scale-out.md), and
 * {@code local[N]} runs Spark inside this JVM. Spark is not in bam.jar's lib/ (a cluster brings its own): without
 * Spark's classes the option says where to get them.
 */
final class SparkOption {

  /** A command whose run can be rebuilt on every machine of a cluster from its arguments. */
  interface JobCommand {
    /** Checks the options and reads the run's data, as the command does before it trains. */
    PipelineJob job() throws IOException;
  }

  @Option(names = "--spark", paramLabel = "MASTER",
      description = "Run the units on Apache Spark: local[N] inside this process, spark://HOST:7077, yarn, ..."
          + " The output directory must be a path every executor mounts (docs/scale-out.md).")
  String master;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
      description = "A Spark setting for --spark, such as spark.executor.cores=4 (repeatable).")
  Map<String, String> conf = new LinkedHashMap<>();

  /**
   * The runner the command's options ask for: this process without {@code --spark}, else Spark.
   *
   * @throws ParameterException when Spark's classes are not on the class path
   */
  PipelineRunner runner(CommandSpec spec) {
    if (master == null) {
      return PipelineRunner.LOCAL;
    }
    prepareSpark(spec);
    return OnSpark.runner(master, conf, new CommandLineSource(originalArgs(spec), workingDir()));
  }

  /** Whether {@code --spark} was given. */
  boolean isSet() {
    return master != null;
  }

  /**
   * What a study run on Spark left: the jobs that failed every try, and the jobs not done (those and the jobs
   * that need them).
   */
  record PlanOutcome(List<String> failed, List<String> unfinished) {}

  /**
   * Runs the study of the command line on Spark, each job a Spark task once the jobs it needs are done; every
   * machine builds the study from the driver's arguments.
   *
   * @throws ParameterException when Spark's classes are not on the class path
   */
  PlanOutcome runStudy(CommandSpec spec, PrintStream progress) throws IOException {
    prepareSpark(spec);
    return OnSpark.runStudy(master, conf, new StudySource(originalArgs(spec), workingDir()), progress);
  }

  /** Spark's setting for the time its shutdown hooks get together (a system property, read when Spark starts). */
  static final String SHUTDOWN_TIMEOUT = "spark.shutdown.timeout";

  /** Sets Spark's shutdown timeout (see below) and checks that Spark's classes are there. */
  private static void prepareSpark(CommandSpec spec) {
    // Ctrl-C of the driver lets the running units end their step with a checkpoint before Spark stops its context
    // (bam-spark holds Spark's shutdown hook back that long), but Spark gives its hooks 30 s unless told otherwise:
    // a BERT-Base step on a busy executor can take longer. The grace of a training on one machine, unless set.
    if (System.getProperty(SHUTDOWN_TIMEOUT) == null) {
      System.setProperty(SHUTDOWN_TIMEOUT, BamCli.STOP_GRACE.toSeconds() + "s");
    }
    try {
      Class.forName("org.apache.spark.SparkContext", false, SparkOption.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ParameterException(spec.commandLine(), "--spark needs Apache Spark 4 (Scala 2.13) on the class"
          + " path, which bam.jar leaves to the cluster: submit it with spark-submit, or run with Spark's jars,"
          + " e.g. BAM_CLASSPATH=\"$SPARK_HOME/jars/*\" ./bam ... (docs/scale-out.md)");
    }
  }

  private static List<String> originalArgs(CommandSpec spec) {
    return spec.root().commandLine().getParseResult().originalArgs();
  }

  private static String workingDir() {
    return Path.of("").toAbsolutePath().toString();
  }

  /**
   * The command a machine of the cluster gets from the driver's arguments, parsed again with relative paths taken
   * from the driver's working directory.
   */
  static Object parse(List<String> args, String workingDir) {
    CommandLine cli = BamCli.commandLine();
    Path base = Path.of(workingDir);
    cli.registerConverter(Path.class, text -> base.resolve(text));
    CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().userObject();
  }

  /**
   * Every machine of the cluster parses the driver's arguments again, with relative paths taken from the driver's
   * working directory, and reads the run from the shared files.
   *
   * @param args the command line as the driver got it
   * @param workingDir the driver's working directory
   */
  record CommandLineSource(List<String> args, String workingDir) implements io.github.bamjava.spark.PipelineSource {

    private static final long serialVersionUID = 1L;

    /** Copies the arguments. */
    CommandLineSource {
      args = List.copyOf(args);
    }

    @Override
    public PipelineJob job() throws IOException {
      Object command = parse(args, workingDir);
      if (!(command instanceof JobCommand job)) {
        throw new IllegalArgumentException("this bam command does not run a pipeline on Spark: " + args);
      }
      return job.job();
    }
  }

  /**
   * {@code bam study run}'s study, built on every machine from the driver's arguments as {@link CommandLineSource}
   * builds a pipeline run.
   *
   * @param args the command line as the driver got it
   * @param workingDir the driver's working directory
   */
  record StudySource(List<String> args, String workingDir)
      implements io.github.bamjava.spark.PlanSource<io.github.bamjava.glue.study.StudyJob> {

    private static final long serialVersionUID = 1L;

    /** Copies the arguments. */
    StudySource {
      args = List.copyOf(args);
    }

    @Override
    public io.github.bamjava.glue.study.Study plan() {
      if (!(parse(args, workingDir) instanceof StudyCommand.Run run)) {
        throw new IllegalArgumentException("not a bam study run command line: " + args);
      }
      return run.study(System.out);
    }
  }

  /** The Spark side, in a class of its own: loaded only once Spark's classes are known to be there. */
  private static final class OnSpark {
    static PipelineRunner runner(String master, Map<String, String> conf, CommandLineSource source) {
      return io.github.bamjava.spark.SparkPipeline.start(master, conf, source);
    }

    static PlanOutcome runStudy(String master, Map<String, String> conf, StudySource source, PrintStream progress)
        throws IOException {
      io.github.bamjava.spark.SparkPlan.Outcome outcome =
          io.github.bamjava.spark.SparkPlan.run(master, conf, source, progress);
      return new PlanOutcome(List.copyOf(outcome.failed().keySet()), outcome.unfinished());
    }
  }
}
