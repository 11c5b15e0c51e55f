/**
 * Pictures of training runs and studies as SVG files, with no dependency beyond the JDK and Gson: {@link
 * io.github.bamjava.glue.plot.RunPlots} draws a run's {@code metrics.jsonl} (λ and learning rate, per-task
 * loss, dev scores, task shares; {@code bam plot} on the command line), {@link
 * io.github.bamjava.glue.plot.BarChart} and {@link io.github.bamjava.glue.plot.SvgChart} are the two chart kinds
 * the study report uses.
 *
 * <p>Reporting sits on top of the library: nothing in {@code bam-core} draws or depends on this package.
 */
package io.github.bamjava.glue.plot;
