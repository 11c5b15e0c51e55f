/**
 * The optimizer BERT and BAM are trained with: AdamW as in BERT's {@code AdamWeightDecayOptimizer}, with weight
 * decay that skips LayerNorm parameters and biases, global gradient-norm clipping, layer-wise learning rates
 * ({@link io.github.bamjava.optim.LayerDepth}) and a warmup-then-decay
 * {@link io.github.bamjava.optim.LearningRateSchedule}; its state can be saved and restored exactly.
 */
package io.github.bamjava.optim;
