package io.github.bamjava.spark;

import io.github.bamjava.glue.Preset;
import io.github.bamjava.glue.TrainBudget;
import io.github.bamjava.glue.study.Study;
import io.github.bamjava.glue.study.StudyConfig;
import io.github.bamjava.glue.study.StudyJob;
import io.github.bamjava.glue.study.StudyMethod;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TrainCap;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A tiny study that every JVM builds the same from a few values: generated SST-2 and STS-B files
 * ({@link #writeGlue}), a random-init encoder, teachers of two epochs (a checkpoint at the end of the first to
 * resume from).
 *
 * @param glueDir the GLUE files
 * @param outputDir the study directory
 * @param methods the methods, by directory name, comma-separated (their teachers come with them)
 * @param seeds the seeds, comma-separated
 * @param faultDir where the job {@code single/seed-1/SST-2} fails once in its second epoch; empty for no fault
 */
record StudySource(String glueDir, String outputDir, String methods, String seeds, String faultDir)
    implements PlanSource<StudyJob> {

  private static final Preset TINY = new Preset(new Recipe("tiny", new Stage(1e-3, 16, 2), new Stage(1e-3, 16, 1),
      new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false), TrainBudget.of(TrainCap.all()));

  /**
   * SST-2 (60 training, 20 dev sentences) and STS-B (60 and 20 pairs: a sentence and its star rating in words) in
   * GLUE's layout, from the generated tasks of bam-core's tests.
   */
  static void writeGlue(Path glue) throws IOException {
    Task sentiment = SyntheticTasks.sentiment(60, 20, 3);
    Task stars = SyntheticTasks.stars(60, 20, 4);
    for (String split : List.of("train", "dev")) {
      List<String> sst = new ArrayList<>(List.of("sentence\tlabel"));
      for (Example e : split.equals("train") ? sentiment.train() : sentiment.dev()) {
        sst.add(e.textA() + "\t" + e.label());
      }
      List<String> sts = new ArrayList<>(List.of(
          "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore"));
      List<Example> pairs = split.equals("train") ? stars.train() : stars.dev();
      for (int i = 0; i < pairs.size(); i++) {
        Example e = pairs.get(i);
        sts.add(i + "\tmain\tgenerated\t2026\t0\tnone\tnone\t" + e.textA() + "\t" + e.label() + " stars\t"
            + e.label() + ".000");
      }
      Files.createDirectories(glue.resolve("SST-2"));
      Files.createDirectories(glue.resolve("STS-B"));
      Files.write(glue.resolve("SST-2").resolve(split + ".tsv"), sst);
      Files.write(glue.resolve("STS-B").resolve(split + ".tsv"), sts);
    }
  }

  StudyConfig config() {
    EnumSet<StudyMethod> chosen = EnumSet.noneOf(StudyMethod.class);
    for (String m : methods.split(",")) {
      chosen.add(StudyMethod.byDirName(m));
    }
    return StudyConfig.of(Path.of(glueDir), Path.of(outputDir)).withPreset(TINY).withDevCap(20)
        .withEncoder(SyntheticTasks.tinyEncoder(5)).withMethods(chosen)
        .withSeeds(java.util.Arrays.stream(seeds.split(",")).map(Long::valueOf).toList());
  }

  @Override
  public Study plan() {
    return Study.of(config(), System.out);
  }

  @Override
  public List<RunListener> listeners(StudyJob job) {
    if (faultDir.isEmpty() || !job.name().equals("single/seed-1/SST-2")) {
      return List.of();
    }
    return List.of(new SyntheticSource.FailOnce(Path.of(faultDir)));
  }
}
