package io.github.bamjava.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link PipelineJob} runs: {@link #LOCAL} in this process, or a cluster's runner (bam-spark's), which
 * writes the same files and returns the same result.
 */
@FunctionalInterface
public interface PipelineRunner {

  /** Runs the job in this process with a {@link BamPipeline}. */
  PipelineRunner LOCAL = BamPipeline::run;

  /**
   * Runs (or continues) the job and writes its results.
   *
   * @param progress where progress lines and bars go, or null for none
   */
  PipelineResult run(PipelineJob job, @Nullable PrintStream progress) throws IOException;
}
