package io.github.bamjava.taskfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.BamPipeline;
import io.github.bamjava.pipeline.DevScores;
import io.github.bamjava.pipeline.PipelineResult;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.train.SyntheticTasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline from a task file, on a tiny random encoder: what is tested is the wiring. */
class TaskSetTrainingTest {

  private static final Recipe TINY = new Recipe("tiny", new Stage(1e-3, 16, 1), new Stage(1e-3, 16, 1),
      new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false);

  @TempDir Path dir;

  private Path writeTaskSet() throws IOException {
    Random r = new Random(5);
    StringBuilder mood = new StringBuilder();
    StringBuilder moodDev = new StringBuilder();
    for (int i = 0; i < 48; i++) {
      boolean good = r.nextBoolean();
      String line = "{\"text\": \"the film was " + (good ? "great" : "awful") + " " + i + "\", \"label\": \""
          + (good ? "pos" : "neg") + "\"}\n";
      (i % 4 == 0 ? moodDev : mood).append(line);
    }
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/mood-train.jsonl"), mood);
    Files.writeString(dir.resolve("data/mood-dev.jsonl"), moodDev);
    Files.writeString(dir.resolve("data/mood-test.jsonl"), "{\"text\": \"great\"}\n{\"text\": \"awful\"}\n");
    StringBuilder sim = new StringBuilder("a,b,score\n");
    for (int i = 0; i < 40; i++) {
      sim.append("\"one, ").append(i).append("\",two ").append(i % 3).append(',').append(i % 6).append('\n');
    }
    Files.writeString(dir.resolve("data/sim-train.csv"), sim);
    Files.writeString(dir.resolve("data/sim-dev.csv"), "a,b,score\nx,y,1\nz,w,4.5\nu,v,2\n");
    return Files.writeString(dir.resolve("tasks.json"), """
        {"tasks": [
          {"name": "mood", "kind": "classification", "labels": ["neg", "pos"], "train": "data/mood-train.jsonl",
           "dev": "data/mood-dev.jsonl", "test": "data/mood-test.jsonl", "text": "text"},
          {"name": "sim", "kind": "regression", "range": [0, 5], "train": "data/sim-train.csv",
           "dev": "data/sim-dev.csv", "text": "a", "text_pair": "b", "label": "score",
           "metrics": ["pearson", "spearman"]}
        ]}
        """);
  }

  private TaskSet tiny(Path file) throws IOException {
    TaskSet set = TaskSet.read(file);
    return set.withSettings(set.settings().withEncoder(SyntheticTasks.tinyEncoder(7)).withRecipe(TINY)
        .withFinetune(true));
  }

  @Test
  void trainsTeachersStudentAndFineTuningThenReusesThem() throws IOException {
    TaskSet set = tiny(writeTaskSet());
    Path out = dir.resolve("out");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    PipelineResult result = set.train(out, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(result.scores().keySet()).containsExactly(BamPipeline.MAJORITY, BamPipeline.BEST_CONSTANT,
        BamPipeline.SINGLE, BamPipeline.BAM, BamPipeline.BAM_FINETUNED);
    assertThat(result.scores().get(BamPipeline.BAM).rows()).extracting(DevScores.Row::name)
        .containsExactly("mood", "sim");
    assertThat(result.scores().get(BamPipeline.BAM).rows().get(1).metrics()).containsOnlyKeys("pearson", "spearman");
    assertThat(Files.readString(out.resolve("results.md")))
        .contains("| Task | Majority class | Best constant | Single | BAM | BAM+FT |", "| **Mean score** |", "| mood |",
            "a regression task has none");
    assertThat(Files.readString(out.resolve("results.json"))).contains("\"preset\": \"tiny\"", "\"meanScore\"");
    // Test predictions by the final (fine-tuned) model, label names; sim has no test file
    assertThat(result.finalStepFiles()).containsExactly(out.resolve("predictions/mood.tsv"));
    List<String> predictions = Files.readAllLines(out.resolve("predictions/mood.tsv"));
    assertThat(predictions).hasSize(3).first().isEqualTo("id\tprediction");
    assertThat(predictions.subList(1, 3)).allMatch(l -> l.matches("[12]\t(neg|pos)"));

    Path teacher = out.resolve("teachers/mood/model/model.safetensors");
    FileTime trained = Files.getLastModifiedTime(teacher);
    progress.reset();
    PipelineResult again = set.train(out, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(Files.getLastModifiedTime(teacher)).isEqualTo(trained);
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("teacher 1/2: mood: reusing the finished teacher");
    assertThat(again.scores().get(BamPipeline.BAM).meanScore())
        .isEqualTo(result.scores().get(BamPipeline.BAM).meanScore());
  }

  @Test
  void aBadRowStopsTheRunBeforeAnyTraining() throws IOException {
    TaskSet set = tiny(writeTaskSet());
    Files.writeString(dir.resolve("data/sim-dev.csv"), "a,b,score\nx,y,1\nz,w,6\n");
    Path out = dir.resolve("out");

    assertThatThrownBy(() -> set.train(out, null)).isInstanceOf(TaskFileException.class)
        .hasMessageStartingWith(dir.resolve("data/sim-dev.csv") + ":3: field 'score' 6 is outside");
    assertThat(out).doesNotExist();
  }
}
