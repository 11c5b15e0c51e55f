package io.github.bamjava.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.bamjava.runtime.TorchThreads;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AdamW}'s update of FP32 parameters on the CPU in one pass over their memory, written by Java straight into
 * the tensors libtorch allocated: per value it reads the gradient (in the work buffer), both moments and the
 * parameter, and writes the moments and the parameter back.
 *
 * <p>Why: through libtorch's operations the update is some fifteen passes, each reading and writing whole arrays:
 * for MiniLM's 22.7 million values about 3 GB of memory traffic a step, where this pass moves 0.6 GB. A 2-core
 * machine's training step waits on memory for much of its element-wise work, and two trainings on its two cores
 * (two Spark executors) slow each other down through it.
 *
 * <p>The arithmetic is the formula of {@link AdamW} in FP32, in the order it reads; the libtorch path rearranges
 * the first moment's update for its in-place operations, so the two differ in the last bits. Parallel over chunks
 * of {@value #CHUNK} values on as many threads as libtorch's operations use ({@link TorchThreads}): each value's
 * result depends on that value alone, so the bits do not depend on the threads.
 */
final class OnePassAdamW {

  /** Values per parallel task: enough to amortise a task, few enough to spread a 22-million-value update. */
  static final int CHUNK = 1 << 16;

  private OnePassAdamW() {}

  /**
   * Whether this pass serves these parameters: all FP32 on the CPU, as their buffers then are, each writable
   * through its buffer ({@link #writesThrough}).
   */
  static boolean serves(List<FlatBuffers.Slot> live) {
    for (FlatBuffers.Slot slot : live) {
      NDArray p = slot.parameter().getArray();
      if (p.getDataType() != DataType.FLOAT32 || !Device.cpu().equals(p.getDevice())
          || !Device.cpu().equals(slot.work().getDevice()) || !writesThrough(p)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether writes to the array's buffer reach the array. DJL hands out a contiguous array's own memory and a copy
   * of any other (a transposed view, say), where an update would be lost; DJL does not say which it did, so two
   * buffers of the array are compared: a bit flipped in one shows in the other only if both are the array's
   * memory. The bit is put back at once.
   */
  static boolean writesThrough(NDArray array) {
    if (array.size() == 0) {
      return true;
    }
    IntBuffer first = array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asIntBuffer();
    IntBuffer second = array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asIntBuffer();
    int bits = first.get(0);
    first.put(0, bits ^ 1);
    boolean shared = second.get(0) == (bits ^ 1);
    first.put(0, bits);
    return shared;
  }

  /**
   * The step's numbers that are the same for every value. The complements 1 − β are taken in double before they
   * become floats, as libtorch does with a scalar: 1f − 0.999f is 1.3·10⁻⁵ off 0.001 in relative terms.
   */
  record Step(float gradScale, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float epsilon,
      float c2) {

    /** The step's numbers from the optimizer's settings, in double. */
    static Step of(double gradScale, double beta1, double beta2, double epsilon, double c2) {
      return new Step((float) gradScale, (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
          (float) epsilon, (float) c2);
    }
  }

  /** One chunk of one parameter: its values [from, to). */
  private record Chunk(FloatBuffer g, FloatBuffer m, FloatBuffer v, FloatBuffer p, int from, int to, float keep,
      float stepSize) {}

  /**
   * Updates every live parameter and its moments from the gradient in its work slice.
   *
   * @param baseRate the step's rate before the layer-wise factor
   * @param c1 the first moment's bias correction (1 without)
   * @param weightDecay the decoupled weight decay of decayed parameters
   */
  static void update(List<FlatBuffers.Slot> live, Step step, double baseRate, double c1, double weightDecay) {
    List<Chunk> chunks = new ArrayList<>();
    for (FlatBuffers.Slot slot : live) {
      double rate = baseRate * slot.layerScale();
      float keep = slot.decayed() && weightDecay != 0 ? (float) (1 - rate * weightDecay) : 1f;
      float stepSize = (float) (rate / c1);
      FloatBuffer g = floats(slot.work());
      FloatBuffer m = floats(slot.m());
      FloatBuffer v = floats(slot.v());
      FloatBuffer p = floats(slot.parameter().getArray());
      int n = g.capacity();
      for (int from = 0; from < n; from += CHUNK) {
        chunks.add(new Chunk(g, m, v, p, from, Math.min(n, from + CHUNK), keep, stepSize));
      }
    }
    TorchThreads.forEachTask(chunks.size(), c -> update(chunks.get(c), step));
  }

  /**
   * Values per block copied into a thread's own arrays: four blocks of them stay in a core's cache, and a loop over
   * Java arrays is one the JIT compiles to vector instructions, where one over buffers it does not.
   */
  private static final int BLOCK = 4096;

  private static final ThreadLocal<float[][]> BLOCKS = ThreadLocal.withInitial(() -> new float[4][BLOCK]);

  private static void update(Chunk c, Step s) {
    float[][] blocks = BLOCKS.get();
    float[] g = blocks[0];
    float[] m = blocks[1];
    float[] v = blocks[2];
    float[] p = blocks[3];
    for (int from = c.from(); from < c.to(); from += BLOCK) {
      int n = Math.min(BLOCK, c.to() - from);
      c.g().get(from, g, 0, n);
      c.m().get(from, m, 0, n);
      c.v().get(from, v, 0, n);
      c.p().get(from, p, 0, n);
      update(g, m, v, p, n, s, c.keep(), c.stepSize());
      c.m().put(from, m, 0, n);
      c.v().put(from, v, 0, n);
      c.p().put(from, p, 0, n);
    }
  }

  private static void update(float[] g, float[] m, float[] v, float[] p, int n, Step s, float keep, float stepSize) {
    float gradScale = s.gradScale();
    float beta1 = s.beta1();
    float oneMinusBeta1 = s.oneMinusBeta1();
    float beta2 = s.beta2();
    float oneMinusBeta2 = s.oneMinusBeta2();
    float c2 = s.c2();
    float epsilon = s.epsilon();
    for (int i = 0; i < n; i++) {
      float gi = g[i] * gradScale;
      float mi = beta1 * m[i] + oneMinusBeta1 * gi;
      float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] * keep - stepSize * mi / ((float) Math.sqrt(vi) / c2 + epsilon);
    }
  }

  /** The array's own memory (it is contiguous, on the CPU) as floats. */
  private static FloatBuffer floats(NDArray array) {
    return array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
