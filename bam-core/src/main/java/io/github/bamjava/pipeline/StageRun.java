package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.task.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One training of a pipeline: a teacher, the student, a fine-tuning, or any run a study composes of them. What it
 * trains and where; how it trains is the {@link Stage} and the settings of the {@link StageTrainer} that runs it.
 *
 * @param stage the stage of the recipe it trains with (learning rate, batch size, epochs)
 * @param encoder where it starts from: the pretrained encoder, or a trained model's folder
 * @param tasks its tasks, in head order
 * @param teachers the predictions each distilled task learns from; empty to learn from gold labels only
 * @param seed the seed of the run
 * @param outputDir the run's folder
 */
public record StageRun(Stage stage, EncoderSource encoder, List<Task> tasks, Map<String, TeacherPredictions> teachers,
    long seed, Path outputDir) {

  /** Checks that every part is there and copies the tasks and teachers. */
  public StageRun {
    requireNonNull(stage, "stage");
    requireNonNull(encoder, "encoder");
    tasks = List.copyOf(tasks);
    teachers = ImmutableMap.copyOf(teachers);
    requireNonNull(outputDir, "outputDir");
  }
}
