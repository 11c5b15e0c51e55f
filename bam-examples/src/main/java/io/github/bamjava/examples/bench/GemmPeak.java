package io.github.bamjava.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.runtime.TorchEngine;
import java.util.Arrays;
import java.util.Locale;

/**
 * The dense FP32 matrix-product rate that libtorch (through DJL, as this library runs it) reaches on this
 * machine: the yardstick for "what share of the machine does a training step use". Times {@code reps}
 * products of two square {@code n × n} matrices after two untimed ones and prints the best and the median.
 *
 * <pre>
 * java -cp 'bam-examples/target/bam.jar:bam-examples/target/lib/*' \
 *     io.github.bamjava.examples.bench.GemmPeak [n 2048] [reps 10]
 * </pre>
 */
public final class GemmPeak {

  private GemmPeak() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    double flops = 2.0 * n * n * n;
    try (NDManager manager = TorchEngine.newManager()) {
      NDArray a = manager.randomUniform(-1f, 1f, new Shape(n, n));
      NDArray b = manager.randomUniform(-1f, 1f, new Shape(n, n));
      double[] seconds = new double[reps];
      for (int i = -2; i < reps; i++) {
        long start = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0); // the product has run once its first element is read back
        }
        if (i >= 0) {
          seconds[i] = (System.nanoTime() - start) / 1e9;
        }
      }
      Arrays.sort(seconds);
      System.out.printf(Locale.ROOT, "GEMM libtorch %dx%d FP32: best %.1f GFLOP/s, median %.1f GFLOP/s%n", n, n,
          flops / seconds[0] / 1e9, flops / seconds[reps / 2] / 1e9);
    }
  }
}
