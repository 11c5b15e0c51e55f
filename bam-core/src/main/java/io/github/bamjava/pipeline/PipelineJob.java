package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a pipeline run is made of, gathered by whoever reads the data (a GLUE directory, a task file) and
 * handed to a {@link PipelineRunner}: in this process by {@link BamPipeline}, or on a cluster.
 *
 * @param outputDir where the run writes (see {@link BamPipeline})
 * @param settings how every model trains
 * @param tasks the tasks, in their order
 * @param style how results.md and results.json name the overall score
 * @param finalStep work done with the final models before the results are written, under the run's lock
 */
public record PipelineJob(Path outputDir, PipelineSettings settings, List<PipelineTask> tasks, ResultsStyle style,
    FinalStep finalStep) {

  /** Checks the parts and copies the tasks. */
  public PipelineJob {
    requireNonNull(outputDir, "outputDir");
    requireNonNull(settings, "settings");
    requireNonNull(style, "style");
    requireNonNull(finalStep, "finalStep");
    tasks = List.copyOf(tasks);
  }

  /** This job with other settings (a cluster machine's own device, for one). */
  public PipelineJob withSettings(PipelineSettings other) {
    return new PipelineJob(outputDir, other, tasks, style, finalStep);
  }
}
