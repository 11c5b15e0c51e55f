/**
 * Significance tests for comparing two training methods: a {@link
 * io.github.bamjava.eval.significance.PairedBootstrap} over the evaluation examples (as the BAM paper tests its
 * GLUE dev results) and a {@link io.github.bamjava.eval.significance.MannWhitney} U test over the scores of
 * independent seeds.
 */
package io.github.bamjava.eval.significance;
