package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import com.google.common.base.Preconditions;

/**
 * Inverted dropout as BERT uses it: in training each element is zeroed with probability {@code p} and the
 * survivors are scaled by {@code 1 / (1 - p)}; outside training the input passes through unchanged.
 *
 * <p>Why not DJL's {@code Dropout.dropout}: it runs libtorch's {@code dropout}, which draws its mask with
 * {@code bernoulli_}, one serial random draw in double precision per element. On a MiniLM training step
 * that was about a fifth of the whole step on this project's CPU (see docs/benchmarks.md). Drawing a uniform
 * float per element and comparing it with {@code p} gives the same distribution from the same seeded
 * generator at a fraction of the cost. The mask is a float array holding 0 or {@code 1 / (1 - p)}, so that
 * forward and backward are one multiplication each: multiplying by a boolean mask instead made the backward
 * pass half a second slower per MiniLM step, since mixed-type products take libtorch's slow casting path.
 *
 * <p>FP32 arrays on the CPU (every CPU training run) take their mask from {@link DropoutMask}, which fills it in
 * Java from a counter-based generator seeded by libtorch's: one pass instead of four, on every core. Other
 * types and devices draw it through libtorch as described above.
 */
public final class BertDropout {
  private BertDropout() {}

  /** {@code x} with dropout of probability {@code p} applied when {@code training}; {@code x} itself otherwise. */
  public static NDArray apply(NDArray x, float p, boolean training) {
    Preconditions.checkArgument(p >= 0f && p < 1f, "dropout probability must be in [0, 1), got %s", p);
    if (!training || p == 0f) {
      return x;
    }
    NDArray mask;
    if (DropoutMask.serves(x.getDataType(), x.getDevice())) {
      mask = DropoutMask.draw(x.getManager(), x.getShape(), p);
    } else {
      mask = libtorchMask(x, p);
    }
    // The mask can be closed at once: autograd holds its own reference for the backward pass.
    try (mask) {
      return x.mul(mask);
    }
  }

  /** A mask of x's type and shape drawn with libtorch's generator: uniform, compared with p, cast, scaled. */
  private static NDArray libtorchMask(NDArray x, float p) {
    try (NDArray uniform = x.getManager().randomUniform(0f, 1f, x.getShape(), x.getDataType());
        NDArray keep = uniform.gte(p)) {
      return keep.toType(x.getDataType(), false).muli(1f / (1f - p));
    }
  }
}
