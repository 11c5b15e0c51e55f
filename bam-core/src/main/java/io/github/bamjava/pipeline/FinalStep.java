package io.github.bamjava.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Work a benchmark adds at the end of a {@link BamPipeline} run, under the run's lock, with the final model of each
 * task (the fine-tuned one when fine-tuning is on, else the student): GLUE writes its submission files here.
 */
@FunctionalInterface
public interface FinalStep {

  /** Nothing to add. */
  FinalStep NONE = models -> List.of();

  /**
   * Does the work and returns the files it wrote.
   *
   * @param models the final model of each task
   */
  List<Path> run(FinalModels models) throws IOException;
}
