package io.github.bamjava.examples;

import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.MklOnAmd;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code bam} command line: the BAM pipeline on the embedded sample, on GLUE or on your own tasks, prediction
 * with a saved model and its export for HuggingFace, the GLUE download, the paper's study and the charts of a
 * run.
 *
 * <p>Exit codes a script can rely on: 0 success; 1 the command ran and failed (the message on stderr, the stack
 * trace only with {@code --verbose}); 2 a usage error (unknown option, missing argument, bad value); 130 or 143
 * (the JVM's, for SIGINT and SIGTERM) stopped by Ctrl-C or kill.
 */
@Command(name = "bam", mixinStandardHelpOptions = true, versionProvider = BamCli.Version.class,
    description = {"Born-Again Multi-Task Networks (Clark et al., 2019) on BERT, in Java.",
        "Single-task teachers are distilled into one multi-task student with teacher annealing.", ""},
    subcommands = {QuickstartCommand.class, GlueCommand.class, TrainCommand.class, PredictCommand.class,
        DownloadGlueCommand.class, StudyCommand.class, PlotCommand.class, ExportCommand.class,
        CommandLine.HelpCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    footer = {"", "Exit codes: 0 success, 1 failure (message on stderr), 2 usage error,",
        "130/143 stopped by Ctrl-C or kill (training resumes when the same command runs again).",
        "Start with: bam quickstart"})
public final class BamCli implements Runnable {

  /** Exit code of a command that ran and failed. */
  public static final int EXIT_FAILURE = 1;

  /**
   * How long Ctrl-C waits for the current step (and its checkpoint) before the JVM exits anyway: a BERT-Base step
   * on two cores takes ~10 s, an epoch's dev evaluation of the learning preset about a minute.
   */
  static final Duration STOP_GRACE = Duration.ofMinutes(3);

  @Spec CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print the stack trace of a failure, and DJL's engine log (info level, CUDA probe).")
  boolean verbose;

  public static void main(String[] args) {
    // Before any DJL class loads: DJL must never try the network (libtorch comes from the classpath).
    System.setProperty("ai.djl.offline", "true");
    // Also before any logger exists: simplelogger.properties keeps DJL at warn; --verbose lets it speak.
    if (java.util.Arrays.asList(args).contains("--verbose")) {
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "info");
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "info");
    }
    // Before libtorch loads: on an AMD processor with AVX-512, MKL's AVX-512 kernels (MklOnAmd).
    MklOnAmd.prepare();
    // Ctrl-C or kill: training stops after its current step, with a checkpoint, instead of libtorch being torn
    // down under it (a native crash).
    GracefulStop.installShutdownHook(STOP_GRACE, System.err);
    CommandLine cli = commandLine();
    cli.setOut(new StandardOutput(cli.getOut()));
    System.exit(run(cli, args));
  }

  /**
   * The command line's writer when it is the process's standard output (set by {@link #main}, never by a test or
   * an application that gives the command line its own writer): {@code bam predict} then writes its rows through
   * a stream that reports write errors, which {@code System.out} swallows. Prints as the writer it wraps.
   */
  static final class StandardOutput extends PrintWriter {
    StandardOutput(PrintWriter picocliDefault) {
      super(picocliDefault, true);
    }
  }

  /** Runs the command line and returns its exit code; {@link #main} without the exit, for tests. */
  public static int run(String... args) {
    return run(commandLine(), args);
  }

  /**
   * Runs {@code cli}. An {@link Error} (out of memory, stack overflow) is not an exception, so picocli lets it
   * through: it gets one line saying what failed and what to change, and exit code 1, as any failure does.
   */
  static int run(CommandLine cli, String... args) {
    // The shutdown hook waits for the command, not only for its training: the stop is reported before the exit
    // (a command stopped outside training or prediction, on a download or its input, exits within seconds).
    try (GracefulStop.Scope command = GracefulStop.enterCommand()) {
      return cli.execute(args);
    } catch (Error e) {
      PrintWriter err = cli.getErr();
      if (java.util.Arrays.asList(args).contains("--verbose")) {
        e.printStackTrace(err);
      } else {
        err.println("bam: " + errorMessage(e) + " (--verbose prints the stack trace)");
      }
      err.flush();
      return EXIT_FAILURE;
    }
  }

  /** What failed and what to change, for the errors a user can do something about. */
  static String errorMessage(Error e) {
    String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof OutOfMemoryError && what.contains("direct buffer memory")) {
      return "out of direct (native transfer) memory: " + what + "; raise -XX:MaxDirectMemorySize in"
          + " BAM_JAVA_OPTS (the launcher's default is 256m), or lower --batch-size or --max-length";
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory: " + what + "; give the JVM more heap with BAM_JAVA_OPTS (e.g. \"-Xmx16g"
          + " -XX:MaxDirectMemorySize=256m\"), or lower --batch-size or --max-length";
    }
    if (e instanceof StackOverflowError) {
      return "stack overflow; a deeper stack may help: add -Xss8m to BAM_JAVA_OPTS";
    }
    return e.getClass().getSimpleName() + ": " + what;
  }

  /** The configured command line: exit codes and failure messages as the class comment says. */
  public static CommandLine commandLine() {
    System.setProperty("ai.djl.offline", "true");
    CommandLine cli = new CommandLine(new BamCli());
    // Option values are spelled in lower case in the help (--regression sigmoid|linear); any case is accepted.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(BamCli::onFailure);
    return cli;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  private static int onFailure(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    boolean verbose = parsed.asCommandLineList().stream()
        .anyMatch(c -> c.getParseResult() != null && c.getParseResult().hasMatchedOption("--verbose"));
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println(cmd.getCommandSpec().qualifiedName() + ": " + message(e));
    }
    err.flush();
    return EXIT_FAILURE;
  }

  /** The exception's message and its causes', which name what went wrong (a file, a value), without classes. */
  static String message(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      // The file system's and the network's exceptions carry only a path or a host: say what is wrong with it.
      if (t instanceof java.nio.file.NoSuchFileException && t.getMessage() != null
          && !t.getMessage().contains("expected")) {
        m = "no such file: " + m;
      } else if (t instanceof java.nio.file.FileAlreadyExistsException f && f.getReason() == null) {
        m = f.getFile() + " is a file where a directory is needed";
      } else if (t instanceof java.nio.file.NotDirectoryException f) {
        m = "not a directory: " + f.getFile();
      } else if (t instanceof java.nio.file.AccessDeniedException f && f.getReason() == null) {
        m = "permission denied: " + f.getFile();
      } else if (t instanceof java.net.UnknownHostException) {
        m = "cannot resolve the host " + m + " (no network, or no DNS, on this machine?)";
      }
      if (sb.indexOf(m) < 0) {
        sb.append(sb.length() == 0 ? "" : ": ").append(m);
      }
    }
    return sb.toString();
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BamCli.class.getPackage().getImplementationVersion();
      return new String[] {"bam " + (v == null ? "(development build)" : v),
          "Java " + System.getProperty("java.version") + ", DJL 0.36 with PyTorch (CPU)"};
    }
  }
}
