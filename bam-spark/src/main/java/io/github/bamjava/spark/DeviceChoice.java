package io.github.bamjava.spark;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The device a unit trains on in a Spark task. With GPU scheduling on ({@code spark.task.resource.gpu.amount=1}
 * and a discovery script on the workers), Spark hands each task the address of the GPU it may use, and the unit
 * trains there; without it, the run's own device setting holds (DJL's default when unset).
 */
final class DeviceChoice {

  /** Spark's name of the GPU resource. */
  public static final String GPU = "gpu";

  private DeviceChoice() {}

  /**
   * The device for a task.
   *
   * @param resources the task's resources by name, each with its addresses (Spark's {@code
   *     TaskContext.resources()}); GPUs as {@value #GPU} with their CUDA indices
   * @param configured the run's device, or null for DJL's default
   * @throws IllegalArgumentException for more than one GPU (one training uses one) or an address that is not a
   *     GPU index
   */
  public static @Nullable Device choose(Map<String, String[]> resources, @Nullable Device configured) {
    String[] gpus = resources.get(GPU);
    if (gpus == null || gpus.length == 0) {
      return configured;
    }
    checkArgument(gpus.length == 1, "this task was given %s GPUs (%s), but a BAM training uses one: set"
        + " spark.task.resource.gpu.amount=1", gpus.length, String.join(", ", gpus));
    try {
      int index = Integer.parseInt(gpus[0].trim());
      checkArgument(index >= 0, "GPU address %s is negative", gpus[0]);
      return Device.gpu(index);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("GPU address \"" + gpus[0] + "\" from Spark's resource discovery is not a"
          + " CUDA device index (0, 1, ...): make the workers' discovery script print the indices", e);
    }
  }
}
