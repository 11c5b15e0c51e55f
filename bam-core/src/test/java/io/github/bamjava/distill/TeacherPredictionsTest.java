package io.github.bamjava.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherPredictionsTest {

  private static final TaskKind.Classification ABC = TaskKind.Classification.of("a", "b", "c");
  private static final List<Example> EXAMPLES = List.of(
      Example.of("e0", "the first sentence", "a"),
      Example.pair("e1", "a premise", "a hypothesis", "b"),
      Example.of("e2", "the third sentence", "c"));

  @TempDir Path dir;

  private static Task task(String name, TaskKind kind, List<Example> train) {
    return Task.builder(name, kind).setTrain(train).build();
  }

  private static TeacherPredictions predictions(float[][] values) {
    return TeacherPredictions.of(task("nli", ABC, EXAMPLES), EXAMPLES, values);
  }

  private static float[][] someValues() {
    return new float[][] {
        {0.1f, 0.2f, 0.7f},
        {1f / 3, 1f / 3, 1f / 3},
        {Float.MIN_VALUE, 0.999999f, Math.nextUp(0f)}};
  }

  // ------------------------------------------------------------------------------------------ round trip

  @Test
  void writeThenReadIsBitIdenticalWithTheManifest() throws IOException {
    TeacherPredictions original = predictions(someValues());
    Path file = dir.resolve("nli.teacher.safetensors");
    original.write(file);

    TeacherPredictions back = TeacherPredictions.read(file);
    assertThat(back.task()).isEqualTo("nli");
    assertThat(back.kind()).isEqualTo(ABC);
    assertThat(back.fingerprint()).isEqualTo(ExampleFingerprint.of(EXAMPLES));
    assertThat(back.size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertThat(Float.floatToRawIntBits(back.values()[i][j]))
            .isEqualTo(Float.floatToRawIntBits(original.values()[i][j]));
      }
    }
    assertThat(SafeTensors.readMetadata(file)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "format", TeacherPredictions.FORMAT,
        "task", "nli",
        "kind", "classification",
        "labels", "[\"a\",\"b\",\"c\"]",
        "examples", "3",
        "fingerprint", ExampleFingerprint.of(EXAMPLES)));
    assertThat(SafeTensors.read(file).get("predictions").shape()).containsExactly(3, 3);
    // The file passes the student's check on the same examples.
    back.checkMatches(task("nli", ABC, EXAMPLES), EXAMPLES);
  }

  @Test
  void regressionPredictionsRoundTripWithTheirRange() throws IOException {
    TaskKind.Regression range = new TaskKind.Regression(1, 5);
    List<Example> examples = List.of(Example.of("s0", "x", "1.5"), Example.of("s1", "y", "4"));
    TeacherPredictions original =
        TeacherPredictions.of(task("sts", range, examples), examples, new float[][] {{0.125f}, {0.75f}});
    Path file = dir.resolve("sts.safetensors");
    original.write(file);

    TeacherPredictions back = TeacherPredictions.read(file);
    assertThat(back.kind()).isEqualTo(range);
    assertThat(back.values()).isDeepEqualTo(new float[][] {{0.125f}, {0.75f}});
    assertThat(SafeTensors.readMetadata(file)).containsEntry("kind", "regression").containsEntry("labels",
        "[1.0,5.0]");
  }

  @Test
  void fileWithAnotherFormatTagIsAnErrorNamingTheFile() throws IOException {
    Path file = dir.resolve("weights.safetensors");
    SafeTensors.write(file, Map.of("predictions", new HostTensor(new long[] {1, 3}, new float[3])),
        Map.of("format", "pt"));
    assertThatThrownBy(() -> TeacherPredictions.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a teacher prediction file")
        .hasMessageContaining("format pt");

    Path bare = dir.resolve("bare.safetensors");
    SafeTensors.write(bare, Map.of("x", new HostTensor(new long[] {1}, new float[1])), Map.of());
    assertThatThrownBy(() -> TeacherPredictions.read(bare))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bare.toString());
  }

  @Test
  void manifestThatDisagreesWithTheTensorIsAnErrorNamingTheFile() throws IOException {
    Path file = dir.resolve("liar.safetensors");
    Map<String, String> manifest = new LinkedHashMap<>();
    manifest.put("format", TeacherPredictions.FORMAT);
    manifest.put("task", "nli");
    manifest.put("kind", "classification");
    manifest.put("labels", "[\"a\",\"b\",\"c\"]");
    manifest.put("examples", "4");
    manifest.put("fingerprint", "00");
    SafeTensors.write(file, Map.of("predictions", new HostTensor(new long[] {3, 3}, new float[9])), manifest);
    assertThatThrownBy(() -> TeacherPredictions.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("[3, 3]")
        .hasMessageContaining("4 examples");

    manifest.remove("fingerprint");
    SafeTensors.write(file, Map.of("predictions", new HostTensor(new long[] {3, 3}, new float[9])), manifest);
    assertThatThrownBy(() -> TeacherPredictions.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("manifest lacks 'fingerprint'");

    manifest.put("fingerprint", "00");
    manifest.put("examples", "three");
    SafeTensors.write(file, Map.of("predictions", new HostTensor(new long[] {3, 3}, new float[9])), manifest);
    assertThatThrownBy(() -> TeacherPredictions.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("three");

    manifest.put("examples", "3");
    manifest.put("kind", "ranking");
    SafeTensors.write(file, Map.of("predictions", new HostTensor(new long[] {3, 3}, new float[9])), manifest);
    assertThatThrownBy(() -> TeacherPredictions.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown kind 'ranking'");

    manifest.put("kind", "regression");
    manifest.put("labels", "[0.0]");
    SafeTensors.write(file, Map.of("predictions", new HostTensor(new long[] {3, 1}, new float[3])), manifest);
    assertThatThrownBy(() -> TeacherPredictions.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("[min, max]");
  }

  @Test
  void nanOrInfinityInAFileIsRejectedNamingFileTaskAndRow() throws IOException {
    Path file = dir.resolve("corrupt.safetensors");
    predictions(someValues()).write(file);
    // Corrupt one value on disk, past the manifest: row 1, second probability.
    Map<String, String> manifest = SafeTensors.readMetadata(file);
    float[] flat = SafeTensors.read(file).get("predictions").values().clone();
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      flat[4] = bad;
      SafeTensors.write(file, Map.of("predictions", new HostTensor(new long[] {3, 3}, flat)), manifest);
      assertThatThrownBy(() -> TeacherPredictions.read(file))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("teacher for nli")
          .hasMessageContaining("row 1 holds " + bad);
    }
  }

  @Test
  void nanPredictionsAreRefusedWhenMade() {
    float[][] values = someValues();
    values[2][0] = Float.NaN;
    assertThatThrownBy(() -> predictions(values)).hasMessageContaining("row 2 holds NaN");
  }

  @Test
  void logitsRoundTripAndATemperatureSoftensTheTargets() throws IOException {
    float[][] logits = {{2f, 0f, -1f}, {0f, 0f, 0f}, {5f, 1f, 1f}};
    TeacherPredictions withLogits = TeacherPredictions.ofLogits(task("nli", ABC, EXAMPLES), EXAMPLES, logits);
    Path file = dir.resolve("logits.safetensors");
    withLogits.write(file);
    TeacherPredictions read = TeacherPredictions.read(file);
    assertThat(read.logits()).isDeepEqualTo(logits);
    // T = 1: the probabilities themselves; T = 2: softmax(z / 2), computed here by hand for row 0.
    assertThat(read.softTargets(1.0)).isDeepEqualTo(read.values());
    double e0 = Math.exp(1.0);
    double e1 = Math.exp(0.0);
    double e2 = Math.exp(-0.5);
    float[] row0 = read.softTargets(2.0)[0];
    assertThat(row0[0]).isCloseTo((float) (e0 / (e0 + e1 + e2)), within(1e-6f));
    assertThat(row0[2]).isCloseTo((float) (e2 / (e0 + e1 + e2)), within(1e-6f));
    assertThat(read.softTargets(2.0)[1]).containsExactly(1f / 3, 1f / 3, 1f / 3);
  }

  @Test
  void aFileWithoutLogitsGivesTheSameSoftTargetsFromItsProbabilities() throws IOException {
    float[][] logits = {{2f, 0f, -1f}, {0.5f, 0f, 3f}, {5f, 1f, 1f}};
    TeacherPredictions withLogits = TeacherPredictions.ofLogits(task("nli", ABC, EXAMPLES), EXAMPLES, logits);
    // What earlier versions wrote: probabilities only.
    Path file = dir.resolve("old.safetensors");
    new TeacherPredictions(withLogits.task(), withLogits.kind(), withLogits.fingerprint(), withLogits.values())
        .write(file);
    TeacherPredictions old = TeacherPredictions.read(file);
    assertThat(old.logits()).isNull();
    for (int i = 0; i < 3; i++) {
      assertThat(old.softTargets(3.0)[i]).containsExactly(withLogits.softTargets(3.0)[i], within(1e-6f));
    }
  }

  // ------------------------------------------------------------------------------------ student's check

  @Test
  void predictionsForAnotherTaskAreRefused() {
    assertThatThrownBy(() -> predictions(someValues()).checkMatches(task("rte", ABC, EXAMPLES), EXAMPLES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("for task nli, not rte");
  }

  @Test
  void predictionsForAnotherLabelSpaceAreRefused() {
    TaskKind.Classification other = TaskKind.Classification.of("a", "c", "b");
    List<Example> relabelled = List.of(Example.of("e0", "the first sentence", "a"),
        Example.pair("e1", "a premise", "a hypothesis", "b"), Example.of("e2", "the third sentence", "c"));
    assertThatThrownBy(() -> predictions(someValues()).checkMatches(task("nli", other, relabelled), relabelled))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label space")
        .hasMessageContaining("[a, b, c]")
        .hasMessageContaining("[a, c, b]");
  }

  @Test
  void predictionsForAnotherNumberOfExamplesAreRefused() {
    List<Example> fewer = EXAMPLES.subList(0, 2);
    assertThatThrownBy(() -> predictions(someValues()).checkMatches(task("nli", ABC, fewer), fewer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cover 3 examples but the task has 2 training examples");
  }

  @Test
  void predictionsForOtherExamplesAreRefusedWithBothFingerprints() {
    List<Example> edited = List.of(EXAMPLES.get(0), EXAMPLES.get(1), Example.of("e2", "the 3rd sentence", "c"));
    String made = ExampleFingerprint.of(EXAMPLES).substring(0, 12);
    String expected = ExampleFingerprint.of(edited).substring(0, 12);
    assertThatThrownBy(() -> predictions(someValues()).checkMatches(task("nli", ABC, edited), edited))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("made on other examples")
        .hasMessageContaining(made)
        .hasMessageContaining(expected);
  }

  @Test
  void wrongNumberOfRowsOrRowWidthIsAnError() {
    assertThatThrownBy(() -> predictions(new float[][] {{1f, 0f, 0f}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 predictions for 3 examples");
    assertThatThrownBy(() -> predictions(new float[][] {{1f, 0f, 0f}, {1f, 0f}, {1f, 0f, 0f}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has 2 values, expected 3");
  }

  // ------------------------------------------------------------------------------------------- ensemble

  @Test
  void averageOfTwoTeachersIsTheElementWiseMean() {
    TeacherPredictions first = predictions(new float[][] {{0.2f, 0.2f, 0.6f}, {1f, 0f, 0f}, {0f, 0.5f, 0.5f}});
    TeacherPredictions second = predictions(new float[][] {{0.6f, 0.2f, 0.2f}, {0f, 1f, 0f}, {0f, 0.5f, 0.5f}});
    TeacherPredictions mean = TeacherPredictions.average(List.of(first, second));

    // (0.2 + 0.6) / 2 = 0.4, (0.2 + 0.2) / 2 = 0.2, (0.6 + 0.2) / 2 = 0.4; (1 + 0) / 2 = 0.5; ...
    assertThat(mean.values()[0]).containsExactly(new float[] {0.4f, 0.2f, 0.4f}, within(1e-7f));
    assertThat(mean.values()[1]).containsExactly(0.5f, 0.5f, 0f);
    assertThat(mean.values()[2]).containsExactly(0f, 0.5f, 0.5f);
    assertThat(mean.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(mean.task()).isEqualTo("nli");
  }

  @Test
  void averagingTeachersOfDifferentExamplesIsAnError() {
    List<Example> other = List.of(Example.of("x0", "p", "a"), Example.of("x1", "q", "a"),
        Example.of("x2", "r", "a"));
    TeacherPredictions elsewhere = TeacherPredictions.of(task("nli", ABC, other), other, someValues());
    assertThatThrownBy(() -> TeacherPredictions.average(List.of(predictions(someValues()), elsewhere)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot average");
    // Same fingerprint but a different number of rows (built directly, not through of()): refused, not an
    // index error half-way.
    TeacherPredictions shorter = new TeacherPredictions("nli", ABC, ExampleFingerprint.of(EXAMPLES),
        new float[][] {{1f, 0f, 0f}});
    assertThatThrownBy(() -> TeacherPredictions.average(List.of(predictions(someValues()), shorter)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 and 1 predictions");
    assertThatThrownBy(() -> TeacherPredictions.average(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no teacher predictions");
  }

  // ----------------------------------------------------------------------------------------- fingerprint

  @Test
  void fingerprintFollowsIdsTextsAndOrderButNotLabels() {
    String base = ExampleFingerprint.of(EXAMPLES);
    assertThat(base).hasSize(64).matches("[0-9a-f]+");
    assertThat(ExampleFingerprint.of(List.copyOf(EXAMPLES))).isEqualTo(base);

    List<Example> relabelled = List.of(Example.of("e0", "the first sentence", "c"),
        Example.pair("e1", "a premise", "a hypothesis", null), EXAMPLES.get(2));
    assertThat(ExampleFingerprint.of(relabelled)).isEqualTo(base);

    List<Example> otherText = List.of(Example.of("e0", "the first sentence!", "a"), EXAMPLES.get(1),
        EXAMPLES.get(2));
    List<Example> otherSecondText = List.of(EXAMPLES.get(0),
        Example.pair("e1", "a premise", "another hypothesis", "b"), EXAMPLES.get(2));
    List<Example> noSecondText = List.of(EXAMPLES.get(0), Example.of("e1", "a premise", "b"), EXAMPLES.get(2));
    List<Example> otherOrder = List.of(EXAMPLES.get(1), EXAMPLES.get(0), EXAMPLES.get(2));
    List<Example> otherId = List.of(Example.of("E0", "the first sentence", "a"), EXAMPLES.get(1),
        EXAMPLES.get(2));
    for (List<Example> changed : List.of(otherText, otherSecondText, noSecondText, otherOrder, otherId)) {
      assertThat(ExampleFingerprint.of(changed)).isNotEqualTo(base);
    }
  }

  @Test
  void fingerprintSeparatesFieldBoundaries() {
    // Length prefixes: ("ab", "c") and ("a", "bc") must differ, as must a sentence moved into the id.
    assertThat(ExampleFingerprint.of(List.of(Example.pair("1", "ab", "c", null))))
        .isNotEqualTo(ExampleFingerprint.of(List.of(Example.pair("1", "a", "bc", null))));
    assertThat(ExampleFingerprint.of(List.of(Example.of("1a", "b", null))))
        .isNotEqualTo(ExampleFingerprint.of(List.of(Example.of("1", "ab", null))));
  }
}
