package io.github.bamjava.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One training per executor JVM at a time. DJL's PyTorch engine keeps one gradient collector per process, so two
 * trainings in one JVM would mix their gradients; Spark runs as many tasks at once in an executor as its cores
 * hold {@code spark.task.cpus}. This class works out the {@code spark.task.cpus} that makes it one: the
 * executor's cores ({@code spark.executor.cores}, or the N of {@code local[N]} and {@code local-cluster[n,N,m]}).
 * A whole executor per training is also what a training wants: its matrix products use every core given.
 */
final class ExecutorSlots {

  /** The Spark setting of the cores one task takes. */
  public static final String TASK_CPUS = "spark.task.cpus";
  /** The Spark setting of an executor's cores. */
  public static final String EXECUTOR_CORES = "spark.executor.cores";
  /** The Spark setting of the GPUs one task takes. */
  public static final String TASK_GPUS = "spark.task.resource.gpu.amount";

  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*\\d+\\s*]");

  private ExecutorSlots() {}

  /** Whether {@code master} runs the executors inside the driver's JVM ({@code local}, {@code local[N]}, …). */
  public static boolean isLocal(String master) {
    return LOCAL.matcher(master.trim()).matches();
  }

  /**
   * The settings that must hold for one training per executor, to be added to {@code conf} before the Spark
   * context starts: {@code spark.task.cpus} equal to the executor's cores when it is not set.
   *
   * @param master the Spark master ({@code local[4]}, {@code spark://host:7077}, {@code yarn}, …)
   * @param conf the settings given so far
   * @param processors this machine's processors, for {@code local[*]}
   * @return the settings to add (empty when {@code conf} already has them)
   * @throws IllegalArgumentException when {@code conf} would run two tasks in one executor, or does not say how
   *     many cores an executor has, with the settings to give
   */
  public static Map<String, String> required(String master, Map<String, String> conf, int processors) {
    int cores = executorCores(master, conf, processors);
    Map<String, String> add = new LinkedHashMap<>();
    String taskCpus = conf.get(TASK_CPUS);
    if (taskCpus == null) {
      add.put(TASK_CPUS, String.valueOf(cores));
    } else {
      checkArgument(parse(TASK_CPUS, taskCpus) == cores, "%s=%s with %s executor core(s) would run %s BAM trainings"
          + " at once in one executor JVM, but DJL trains one model per process at a time: set %s=%s (or leave it"
          + " unset)", TASK_CPUS, taskCpus, cores, cores / Math.max(1, parse(TASK_CPUS, taskCpus)), TASK_CPUS,
          cores);
    }
    String gpus = conf.get(TASK_GPUS);
    checkArgument(gpus == null || Double.parseDouble(gpus) == 1.0, "%s=%s: a BAM training uses exactly one GPU;"
        + " set %s=1 (and give each executor one GPU, spark.executor.resource.gpu.amount=1)", TASK_GPUS, gpus,
        TASK_GPUS);
    return add;
  }

  /**
   * Checks the settings of a Spark context that is already running (as under {@code spark-submit}), which can no
   * longer be changed.
   *
   * @throws IllegalArgumentException as {@link #required}, and when a setting is missing, naming it
   */
  public static void check(String master, Map<String, String> conf, int processors) {
    Map<String, String> missing = required(master, conf, processors);
    checkArgument(missing.isEmpty(), "this Spark context could run two BAM trainings in one executor JVM, but DJL"
        + " trains one model per process at a time: start it with %s", render(missing));
  }

  /** The cores of one executor under {@code master}. */
  static int executorCores(String master, Map<String, String> conf, int processors) {
    Matcher local = LOCAL.matcher(master.trim());
    if (local.matches()) {
      String n = local.group(1);
      return n == null ? 1 : n.equals("*") ? processors : parse("the master's cores", n);
    }
    Matcher cluster = LOCAL_CLUSTER.matcher(master.trim());
    if (cluster.matches()) {
      return parse("the master's cores per worker", cluster.group(1));
    }
    String cores = conf.get(EXECUTOR_CORES);
    checkArgument(cores != null, "with master %s, an executor's cores are not known before it starts (a standalone"
        + " executor takes all of its worker's cores), so Spark could run several BAM trainings in one executor"
        + " JVM: set %s=C and %s=C, with C the cores each training may use (for example --conf %s=4 --conf %s=4)",
        master, EXECUTOR_CORES, TASK_CPUS, EXECUTOR_CORES, TASK_CPUS);
    return parse(EXECUTOR_CORES, cores);
  }

  private static int parse(String what, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      checkArgument(n >= 1, "%s must be >= 1, got %s", what, value);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number of cores, got \"" + value + "\"", e);
    }
  }

  private static String render(Map<String, String> settings) {
    StringBuilder out = new StringBuilder();
    settings.forEach((k, v) -> out.append(out.length() == 0 ? "" : " ").append("--conf ").append(k).append('=')
        .append(v));
    return out.toString();
  }
}
