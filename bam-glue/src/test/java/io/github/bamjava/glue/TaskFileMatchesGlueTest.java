package io.github.bamjava.glue;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.PipelineResult;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.task.TrainCap;
import io.github.bamjava.taskfile.TaskSet;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GLUE-like tasks declared in a task file train to the same bits as the GLUE pipeline on the same files, seed and
 * settings: the task file is another way into one pipeline, not another pipeline.
 */
class TaskFileMatchesGlueTest {

  private static final Recipe TINY = new Recipe("tiny", new Stage(1e-3, 16, 1), new Stage(1e-3, 16, 1),
      new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false);

  @TempDir Path tmp;

  @Test
  void aTaskFileOnGlueFilesGivesTheGluePipelinesResultsBitForBit() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeSentimentAndSimilarity(glue);
    PipelineSettings settings = PipelineSettings.DEFAULT.withEncoder(SyntheticTasks.tinyEncoder(7)).withRecipe(TINY)
        .withSeed(3).withFinetune(true);

    Path glueOut = tmp.resolve("glue-run");
    GlueBam.Result viaGlue = GlueBam.of(GlueBam.Settings.of(glue, glueOut)
        .withTasks(List.of(GlueTask.SST2, GlueTask.STSB)).withPreset(new Preset(TINY, TrainBudget.of(TrainCap.all())))
        .withPipeline(settings), null).run();

    Path tasks = Files.writeString(tmp.resolve("tasks.json"), """
        {"tasks": [
          {"name": "SST-2", "kind": "classification", "labels": ["0", "1"], "format": "tsv",
           "train": "glue/SST-2/train.tsv", "dev": "glue/SST-2/dev.tsv", "text": "sentence", "label": "label",
           "metrics": ["accuracy"]},
          {"name": "STS-B", "kind": "regression", "range": [0, 5], "format": "tsv",
           "train": "glue/STS-B/train.tsv", "dev": "glue/STS-B/dev.tsv", "id": "index",
           "text": "sentence1", "text_pair": "sentence2", "label": "score", "metrics": ["pearson", "spearman"]}
        ]}
        """);
    Path fileOut = tmp.resolve("file-run");
    PipelineResult viaFile = TaskSet.read(tasks).withSettings(settings).train(fileOut, null);

    assertThat(viaFile.scores().keySet()).containsExactlyElementsOf(viaGlue.scores().keySet());
    viaGlue.scores().forEach((method, score) ->
        assertThat(viaFile.scores().get(method).rows()).as(method).isEqualTo(score.rows()));
    for (String model : List.of("teachers/SST-2", "teachers/STS-B", "student", "finetune/SST-2",
        "finetune/STS-B")) {
      Path weights = Path.of(model, "model", "model.safetensors");
      assertThat(Files.mismatch(glueOut.resolve(weights), fileOut.resolve(weights))).as(model).isEqualTo(-1);
    }
    // The teachers' outputs, value for value (the files' fingerprints differ where the ids do: GLUE numbers
    // SST-2's rows from 0, a task file by their line).
    for (String teacher : List.of("SST-2", "STS-B")) {
      Path predictions = Path.of("teachers", teacher + ".predictions.safetensors");
      assertThat(TeacherPredictions.read(fileOut.resolve(predictions)).values()).as(teacher)
          .isDeepEqualTo(TeacherPredictions.read(glueOut.resolve(predictions)).values());
    }
  }
}
