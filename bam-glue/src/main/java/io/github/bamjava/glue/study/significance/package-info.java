/**
 * Significance tests for comparing two training methods. Over independent runs (seeds, the unit of
 * replication): {@link io.github.bamjava.glue.study.significance.MannWhitney} U over the two methods' per-seed scores
 * (exact for small samples) and {@link io.github.bamjava.glue.study.significance.PairedTTest} over per-seed
 * differences when seed s of one method is paired with seed s of the other; {@link
 * io.github.bamjava.glue.study.significance.Holm} corrects a family of such tests. Over evaluation examples with the
 * trained models held fixed: {@link io.github.bamjava.glue.study.significance.PairedBootstrap}, as the BAM paper
 * tests its GLUE dev results — a measure of how sure a difference is on one dev set, not across training runs.
 */
package io.github.bamjava.glue.study.significance;
