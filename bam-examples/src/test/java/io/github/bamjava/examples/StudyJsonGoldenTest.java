package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.glue.study.Study;
import io.github.bamjava.glue.study.StudyConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bam study run} resumes a study only when its study.json reads the same: the study.json files of the two
 * studies in progress (bam-glue's golden resources), launched again as they were launched, are accepted and left
 * byte for byte as they are. Needs the glue-lite data they ran on: {@code -Dbam.glue-lite=DIR}.
 */
@EnabledIfSystemProperty(named = "bam.glue-lite", matches = ".+")
class StudyJsonGoldenTest {

  private static final Path GOLDEN = Path.of("..", "bam-glue", "src", "test", "resources", "golden", "study");

  @TempDir Path tmp;

  private void assertAcceptedUnchanged(String name, boolean drawPerSeed, List<Long> seeds) throws IOException {
    Path study = Files.createDirectories(tmp.resolve(name));
    Files.copy(GOLDEN.resolve(name), study.resolve("study.json"));
    StudyConfig config = StudyConfig.of(Path.of(System.getProperty("bam.glue-lite")), study).withSeeds(seeds)
        .withDrawPerSeed(drawPerSeed);

    StudyCommand.saveDescription(Study.of(config, new PrintStream(OutputStream.nullOutputStream())), study);

    assertThat(study.resolve("study.json")).hasSameBinaryContentAs(GOLDEN.resolve(name));
  }

  @Test
  void theDataDrawStudyIsAcceptedAsItWasLaunched() throws IOException {
    assertAcceptedUnchanged("study-draws.study.json", true, List.of(1L, 2L, 3L, 4L, 5L));
  }

  @Test
  void theLearningStudyIsAcceptedWithItsLatestLaunchsSeeds() throws IOException {
    assertAcceptedUnchanged("study-learning.study.json", false, List.of(1L, 2L, 3L));
  }
}
