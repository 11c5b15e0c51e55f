/**
 * The BAM method end to end on any tasks: {@link io.github.bamjava.pipeline.BamPipeline} trains a teacher per
 * task, writes their predictions, distils them into one multi-task student with teacher annealing, optionally
 * fine-tunes it, and scores every method on dev; its configuration is one immutable
 * {@link io.github.bamjava.pipeline.PipelineSettings} with a {@link io.github.bamjava.pipeline.Recipe} of
 * hyper-parameters. Benchmarks (GLUE) and task files run through it.
 */
package io.github.bamjava.pipeline;
