package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The operation estimate that benchmarks and the pipeline's phase timings share. */
class EncoderFlopsTest {

  @Test
  void aMiniLmTrainingStepAtB32S128IsAbout275Gflop() {
    EncoderFlops flops = new EncoderFlops(BertConfig.MINILM_L6_H384);
    // Layers x (2 x (4 H^2 + 2 H I) per token x 4,096 tokens + 4 H x 32 x 128^2 for attention).
    double forward = 6 * (2.0 * (4 * 384 * 384 + 2 * 384 * 1536) * 4096 + 4.0 * 384 * 32 * 128 * 128);
    assertThat(flops.forward(32 * 128, 32.0 * 128 * 128)).isEqualTo(forward);
    assertThat(EncoderFlops.TRAINING_PASSES * flops.forwardOfBatch(32 * 128, 32)).isCloseTo(2.75e11, within(0.01e11));
  }

  @Test
  void aBatchOfMixedLengthsAtItsMeanLengthCountsNoMoreAttentionThanItsSequences() {
    EncoderFlops flops = new EncoderFlops(BertConfig.of(100, 8, 2, 2, 16));
    // Two sequences of 2 and 6 tokens: 4 + 36 = 40 squared against 2 x 4^2 = 32 at the mean.
    assertThat(flops.forwardOfBatch(8, 2)).isLessThan(flops.forward(8, 40)).isEqualTo(flops.forward(8, 32));
    assertThat(flops.forwardOfBatch(0, 0)).isZero();
  }
}
