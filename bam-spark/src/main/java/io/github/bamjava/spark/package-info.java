/**
 * The BAM pipeline on Apache Spark: {@link io.github.bamjava.spark.SparkPipeline} runs the units of a pipeline run
 * (each teacher, its predictions, the student, each fine-tuning) as Spark tasks into a directory every executor
 * mounts, one training per executor JVM ({@link io.github.bamjava.spark.ExecutorSlots}), on the GPU Spark assigns
 * ({@link io.github.bamjava.spark.DeviceChoice}); each machine builds the run from a
 * {@link io.github.bamjava.spark.PipelineSource}. See docs/scale-out.md.
 */
package io.github.bamjava.spark;
