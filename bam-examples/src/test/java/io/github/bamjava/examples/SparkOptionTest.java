package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.glue.study.Study;
import io.github.bamjava.glue.study.StudyConfig;
import io.github.bamjava.glue.study.StudyJob;
import io.github.bamjava.glue.study.StudyMethod;
import io.github.bamjava.train.RunResult;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bam train --spark local[1]} writes what {@code bam train} writes, bit for bit; every machine builds the
 * study of {@code bam study run --spark} from the driver's command line.
 */
class SparkOptionTest {

  @TempDir Path tmp;

  @Test
  void trainOnSparkInThisProcessEqualsTheRunWithoutIt() throws IOException {
    // A tiny saved model is a HuggingFace checkpoint: the encoder of both runs.
    RunResult tiny = SyntheticTasks.tinyTrainer(tmp.resolve("tiny"), List.of(SyntheticTasks.sentiment(16, 8, 1)))
        .optEpochs(1).build().train();
    StringBuilder train = new StringBuilder("s,y\n");
    StringBuilder dev = new StringBuilder("s,y\n");
    for (int i = 0; i < 40; i++) {
      String word = List.of("good", "great", "bad", "awful").get(i % 4);
      (i < 32 ? train : dev).append("a ").append(word).append(" one,").append(i % 4 < 2 ? "pos" : "neg")
          .append('\n');
    }
    Files.writeString(tmp.resolve("train.csv"), train);
    Files.writeString(tmp.resolve("dev.csv"), dev);
    Path tasks = Files.writeString(tmp.resolve("tasks.json"), """
        {"tasks": [{"name": "mood", "kind": "classification", "labels": ["neg", "pos"], "train": "train.csv",
                    "dev": "dev.csv", "text": "s", "label": "y"}],
         "settings": {"max_length": 16, "teacher": {"epochs": 1, "batch_size": 16},
                      "student": {"epochs": 1, "batch_size": 16}, "finetune": true,
                      "finetune_stage": {"epochs": 1, "batch_size": 16}}}
        """);
    String encoder = tiny.modelDir().toString();

    assertThat(BamCli.run("train", "--tasks", tasks.toString(), "-o", tmp.resolve("plain").toString(),
        "--encoder", encoder)).isZero();
    assertThat(BamCli.run("train", "--tasks", tasks.toString(), "-o", tmp.resolve("spark").toString(),
        "--encoder", encoder, "--spark", "local[1]", "--spark-conf", "spark.ui.enabled=false", "--spark-conf",
        "spark.driver.host=127.0.0.1", "--spark-conf", "spark.driver.bindAddress=127.0.0.1")).isZero();

    for (String model : List.of("teachers/mood", "student", "finetune/mood")) {
      Path weights = Path.of(model, "model", "model.safetensors");
      assertThat(Files.mismatch(tmp.resolve("plain").resolve(weights), tmp.resolve("spark").resolve(weights)))
          .as(model).isEqualTo(-1);
    }
    assertThat(Files.readString(tmp.resolve("spark/results.md")))
        .isEqualTo(Files.readString(tmp.resolve("plain/results.md")));
  }

  @Test
  void everyMachineBuildsTheStudyOfTheDriversCommandLineFromItsWorkingDirectory() throws IOException {
    Files.createDirectories(tmp.resolve("glue/SST-2"));
    Files.writeString(tmp.resolve("glue/SST-2/train.tsv"), "sentence\tlabel\na good one\t1\na bad one\t0\n");
    Files.writeString(tmp.resolve("glue/SST-2/dev.tsv"), "sentence\tlabel\nquite good\t1\n");
    List<String> args = List.of("study", "run", "--glue-dir", "glue", "-o", "study", "--seeds", "1,2", "--methods",
        "bam", "--spark", "local[1]");

    Study study = new SparkOption.StudySource(args, tmp.toString()).plan();

    assertThat(study.outputDir()).isEqualTo(tmp.resolve("study"));
    assertThat(study.units()).extracting(StudyJob::name)
        .containsExactly("single/seed-1/SST-2", "bam/seed-1", "single/seed-2/SST-2", "bam/seed-2");
    assertThat(study.inputs(new StudyJob(StudyMethod.BAM, 2, null))).extracting(StudyJob::name)
        .containsExactly("single/seed-2/SST-2");
    Study here = Study.of(StudyConfig.of(tmp.resolve("glue"), tmp.resolve("study")).withSeeds(List.of(1L, 2L))
        .withMethods(List.of(StudyMethod.BAM)), System.out);
    assertThat(study.key()).isEqualTo(here.key());
  }
}
