package io.github.bamjava.examples;

import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineRunner;
import java.io.IOException;
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
 * units (teachers, predictions, student, fine-tunings) run as Spark tasks (bam-spark, docs/scale-out.md), and
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
    try {
      Class.forName("org.apache.spark.SparkContext", false, SparkOption.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ParameterException(spec.commandLine(), "--spark needs Apache Spark 4 (Scala 2.13) on the class"
          + " path, which bam.jar leaves to the cluster: submit it with spark-submit, or run with Spark's jars,"
          + " e.g. BAM_CLASSPATH=\"$SPARK_HOME/jars/*\" ./bam ... (docs/scale-out.md)");
    }
    CommandSpec root = spec.root();
    List<String> args = root.commandLine().getParseResult().originalArgs();
    return OnSpark.runner(master, conf, new CommandLineSource(args, Path.of("").toAbsolutePath().toString()));
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
      CommandLine cli = BamCli.commandLine();
      Path base = Path.of(workingDir);
      cli.registerConverter(Path.class, text -> base.resolve(text));
      CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
      while (parsed.hasSubcommand()) {
        parsed = parsed.subcommand();
      }
      Object command = parsed.commandSpec().userObject();
      if (!(command instanceof JobCommand job)) {
        throw new IllegalArgumentException("bam " + parsed.commandSpec().name() + " does not run on Spark");
      }
      return job.job();
    }
  }

  /** The Spark side, in a class of its own: loaded only once Spark's classes are known to be there. */
  private static final class OnSpark {
    static PipelineRunner runner(String master, Map<String, String> conf, CommandLineSource source) {
      return io.github.bamjava.spark.SparkPipeline.start(master, conf, source);
    }
  }
}
