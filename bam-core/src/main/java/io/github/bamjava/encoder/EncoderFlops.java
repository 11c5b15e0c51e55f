package io.github.bamjava.encoder;

import static java.util.Objects.requireNonNull;

/**
 * An estimate of the floating-point operations an encoder's forward pass costs, counting the matrix products only
 * (everything else is a few percent): per layer, the four attention projections and the two feed-forward
 * products ({@code 2·(4·H² + 2·H·I)} per token), and the attention's two products ({@code 4·H·s²} per sequence
 * of {@code s} tokens). A training step costs about three forward passes (the backward pass twice the forward).
 *
 * <p>Why: a run's speed in GFLOP/s says how close it comes to what the machine can do, whatever the batch shapes;
 * benchmarks and the pipeline's phase timings share this one estimate. Only real tokens count: padding is work
 * the estimate leaves out, so a padded batch shows as a lower rate.
 *
 * @param config the encoder's shape
 */
public record EncoderFlops(BertConfig config) {

  /** A training step's operations as a multiple of its forward pass's: forward, then backward at twice that. */
  public static final int TRAINING_PASSES = 3;

  /** Checks the config is there. */
  public EncoderFlops {
    requireNonNull(config, "config");
  }

  /**
   * The forward pass over sequences of {@code tokens} real tokens in all, whose lengths squared sum to
   * {@code squaredLengths}.
   */
  public double forward(long tokens, double squaredLengths) {
    long h = config.hiddenSize();
    double perToken = 2.0 * (4 * h * h + 2 * h * (long) config.intermediateSize());
    return config.numHiddenLayers() * (perToken * tokens + 4.0 * h * squaredLengths);
  }

  /**
   * The forward pass over a batch of {@code examples} sequences holding {@code tokens} real tokens, when only the
   * total is known: every sequence is taken at the mean length, which slightly undercounts the attention of a
   * batch of mixed lengths.
   */
  public double forwardOfBatch(long tokens, int examples) {
    return examples == 0 ? 0 : forward(tokens, (double) tokens * tokens / examples);
  }
}
