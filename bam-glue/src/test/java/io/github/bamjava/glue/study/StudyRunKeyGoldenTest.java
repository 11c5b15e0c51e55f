package io.github.bamjava.glue.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.glue.GlueFixtures;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.RunConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study resumed by a newer build must find its runs unchanged: the run-config.json of every job and the study's
 * study.json are what decide it, and a changed byte in either would start days of training again. The files under
 * {@code golden/study/} were written by studies in progress (a finished and two stopped Single teachers, a stopped
 * Multi student, a BAM student with its seven teachers) and by this project's study code on fixture data for every
 * method; the study code of this build must write them again, byte for byte.
 *
 * <p>On fixture data the tasks' sizes and data fingerprints differ from the real runs': those fields (and the
 * hashes of the teachers' predictions, read from files the test writes) are taken from the saved file before the
 * comparison, and everything else is compared as written. With {@code -Dbam.glue-lite=DIR} (the glue-lite data
 * the studies ran on) the data fields are compared too, as is the whole study.json.
 */
class StudyRunKeyGoldenTest {

  private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
      .create();
  private static final List<GlueTask> TASKS = List.of(GlueTask.COLA, GlueTask.SST2, GlueTask.MRPC, GlueTask.STSB,
      GlueTask.MNLI, GlueTask.QNLI, GlueTask.RTE);

  @TempDir Path tmp;

  /** The study of {@code glue} into {@code out}, as {@code bam study run} builds it. */
  private static Study study(Path glue, Path out, boolean drawPerSeed, List<Long> seeds) {
    return Study.of(StudyConfig.of(glue, out).withTasks(TASKS).withSeeds(seeds).withDrawPerSeed(drawPerSeed),
        new PrintStream(new ByteArrayOutputStream()));
  }

  /** Writes every teacher's predictions file and every base model's files that the study's jobs read. */
  private static void writeInputsOfEveryJob(Study study) throws IOException {
    for (StudyJob job : study.jobs()) {
      StudyMethod m = job.method();
      if (m.teaches()) {
        for (Task t : study.tasks(job.seed())) {
          if (job.task() == null || job.task().equals(t.name())) {
            Path file = job.dir(study.outputDir()).resolve("train-predictions").resolve(t.name() + ".safetensors");
            Files.createDirectories(file.getParent());
            uniform(t).write(file);
          }
        }
      }
      if (m.modelKept()) {
        Path model = job.dir(study.outputDir()).resolve("run").resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"bert\", \"job\": \"" + job + "\"}");
      }
    }
  }

  /** A teacher that answers every example with the uniform distribution (0.5 for regression). */
  private static TeacherPredictions uniform(Task t) {
    int k = t.kind() instanceof TaskKind.Classification c ? c.labels().size() : 1;
    float[][] values = new float[t.train().size()][k];
    for (float[] row : values) {
      Arrays.fill(row, k == 1 ? 0.5f : 1f / k);
    }
    return TeacherPredictions.of(t, t.train(), values);
  }

  private static String resource(String name) throws IOException {
    try (var in = StudyRunKeyGoldenTest.class.getResourceAsStream("/golden/study/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Every job's run-config.json on fixture data, the study's folder written as {@code <study>}. */
  private static String runConfigsOfEveryJob(Study study) throws IOException {
    StringBuilder all = new StringBuilder();
    for (StudyJob job : study.jobs()) {
      all.append("== ").append(job).append('\n')
          .append(RunConfig.text(study.trainer(job).settings())
              .replace(study.outputDir().toString(), "<study>"));
    }
    return all.toString();
  }

  @Test
  void everyMethodsRunConfigIsTheOneTheStudyWrote() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeAll(glue);
    Study study = study(glue, tmp.resolve("study"), false, List.of(1L, 2L));
    writeInputsOfEveryJob(study);
    String name = "fixture-run-configs.txt";
    String now = runConfigsOfEveryJob(study);
    if (Boolean.getBoolean("bam.golden.write")) {
      Files.writeString(Path.of("src/test/resources/golden/study").resolve(name), now);
    }
    assertThat(now).isEqualTo(resource(name));
  }

  /** A run-config.json a study wrote, the job that wrote it and how its study was launched. */
  private record Saved(String file, StudyJob job, boolean drawPerSeed, List<Long> seeds) {}

  private static final List<Saved> SAVED = List.of(
      new Saved("draws-single-seed-1-RTE.run-config.json", new StudyJob(StudyMethod.SINGLE, 1, "RTE"), true,
          List.of(1L, 2L, 3L, 4L, 5L)),
      new Saved("draws-single-seed-4-SST-2.run-config.json", new StudyJob(StudyMethod.SINGLE, 4, "SST-2"), true,
          List.of(1L, 2L, 3L, 4L, 5L)),
      new Saved("draws-multi-seed-1.run-config.json", new StudyJob(StudyMethod.MULTI, 1, null), true,
          List.of(1L, 2L, 3L, 4L, 5L)),
      new Saved("learning-bam-seed-1.run-config.json", new StudyJob(StudyMethod.BAM, 1, null), false,
          List.of(1L, 2L, 3L)));

  @Test
  void theRunConfigsOfStudiesInProgressReadTheSameOnFixtureData() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeAll(glue);
    for (Saved saved : SAVED) {
      compare(glue, saved, true);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "bam.glue-lite", matches = ".+")
  void theRunConfigsOfStudiesInProgressReadTheSameOnTheirData() throws IOException {
    for (Saved saved : SAVED) {
      compare(Path.of(System.getProperty("bam.glue-lite")), saved, false);
    }
  }

  private void compare(Path glue, Saved saved, boolean takeData) throws IOException {
    Study study = study(glue, tmp.resolve(saved.file()), saved.drawPerSeed(), saved.seeds());
    writeInputsOfEveryJob(study);
    String was = resource(saved.file());
    JsonObject wasKey = JsonParser.parseString(was).getAsJsonObject().getAsJsonObject("resume_key");
    JsonObject now = JsonParser.parseString(RunConfig.text(study.trainer(saved.job()).settings()))
        .getAsJsonObject();
    JsonObject nowKey = now.getAsJsonObject("resume_key");
    JsonArray nowTasks = nowKey.getAsJsonArray("tasks");
    JsonArray wasTasks = wasKey.getAsJsonArray("tasks");
    assertThat(nowTasks.size()).as(saved.file()).isEqualTo(wasTasks.size());
    if (takeData) {
      for (int i = 0; i < nowTasks.size(); i++) {
        for (String field : List.of("train", "train_data")) {
          nowTasks.get(i).getAsJsonObject().add(field, wasTasks.get(i).getAsJsonObject().get(field));
        }
      }
    }
    // Each teacher is the predictions file of its own task: the hash of the file this test wrote for it.
    for (Map.Entry<String, com.google.gson.JsonElement> teacher : nowKey.getAsJsonObject("teachers").entrySet()) {
      String task = teacher.getKey();
      Path file = study.outputDir().resolve(StudyMethod.SINGLE.dirName()).resolve("seed-" + saved.job().seed())
          .resolve(task).resolve("train-predictions").resolve(task + ".safetensors");
      assertThat(teacher.getValue().getAsString()).isEqualTo(read(file).contentHash());
      teacher.setValue(wasKey.getAsJsonObject("teachers").get(task));
    }
    assertThat(PRETTY.toJson(now) + "\n").as(saved.file()).isEqualTo(was);
  }

  private static TeacherPredictions read(Path file) {
    try {
      return TeacherPredictions.read(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theSettingsInTheStudyJsonOfStudiesInProgressReadTheSame() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeAll(glue);
    for (String name : List.of("study-draws.study.json", "study-learning.study.json")) {
      JsonObject was = JsonParser.parseString(resource(name)).getAsJsonObject();
      boolean perSeed = was.has(Study.TRAIN_DRAW);
      JsonObject now = study(glue, tmp.resolve(name), perSeed, List.of(1L, 2L, 3L, 4L, 5L)).describe();
      for (JsonObject d : List.of(was, now)) {
        d.remove("tasks");
      }
      assertThat(PRETTY.toJson(now)).as(name).isEqualTo(PRETTY.toJson(was));
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "bam.glue-lite", matches = ".+")
  void theStudyJsonOfStudiesInProgressIsWrittenAgainByteForByte() throws IOException {
    Path glue = Path.of(System.getProperty("bam.glue-lite"));
    for (String name : List.of("study-draws.study.json", "study-learning.study.json")) {
      String was = resource(name);
      boolean perSeed = JsonParser.parseString(was).getAsJsonObject().has(Study.TRAIN_DRAW);
      JsonObject now = study(glue, tmp.resolve(name), perSeed, List.of(1L, 2L, 3L, 4L, 5L)).describe();
      assertThat(new GsonBuilder().setPrettyPrinting().create().toJson(now) + "\n").as(name).isEqualTo(was);
    }
  }
}
