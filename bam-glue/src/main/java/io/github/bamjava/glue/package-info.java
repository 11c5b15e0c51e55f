/**
 * The nine GLUE tasks and the AX diagnostic for BAM.
 *
 * <p>{@link io.github.bamjava.glue.GlueTask} is what is trained; {@link io.github.bamjava.glue.GlueEvalSet} is
 * what is evaluated and submitted (MNLI-m, MNLI-mm and AX all come from the MNLI model).
 * {@link io.github.bamjava.glue.GlueReader} turns a GLUE directory into core {@code Task}s,
 * {@link io.github.bamjava.glue.GlueScore} renders dev results, {@link io.github.bamjava.glue.SubmissionWriter}
 * writes the files for the GLUE server and {@link io.github.bamjava.glue.GlueDownloader} fetches the data.
 */
package io.github.bamjava.glue;
