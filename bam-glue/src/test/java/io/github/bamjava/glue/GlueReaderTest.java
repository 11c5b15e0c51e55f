package io.github.bamjava.glue;

import io.github.bamjava.task.TrainCap;
import static io.github.bamjava.glue.GlueFixtures.row;
import static io.github.bamjava.glue.GlueFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlueReaderTest {

  @TempDir Path dir;

  @Test
  void findsEveryTaskOfACompleteDirectory() throws IOException {
    GlueFixtures.writeAll(dir);
    assertThat(GlueReader.availableTasks(dir)).containsExactlyElementsOf(EnumSet.allOf(GlueTask.class));
  }

  @Test
  void findsOnlyTasksWithTrainAndDev() throws IOException {
    GlueFixtures.writeAll(dir);
    Files.delete(dir.resolve("RTE/dev.tsv"));
    Files.delete(dir.resolve("QQP/train.tsv"));
    Files.delete(dir.resolve("MNLI/dev_mismatched.tsv")); // MNLI needs only its matched dev
    assertThat(GlueReader.availableTasks(dir))
        .doesNotContain(GlueTask.RTE, GlueTask.QQP)
        .contains(GlueTask.MNLI, GlueTask.COLA);
  }

  @ParameterizedTest
  @CsvSource({
      // task, train, dev, test: the fixture's data rows (header lines excluded)
      "COLA, 3, 1, 2", "SST2, 3, 1, 2", "MRPC, 2, 1, 2", "STSB, 2, 1, 1", "QQP, 2, 1, 1",
      "MNLI, 2, 1, 1", "QNLI, 2, 1, 2", "RTE, 2, 1, 2", "WNLI, 2, 1, 2"})
  void readsEveryRowOfEveryTask(GlueTask glueTask, int train, int dev, int test) throws IOException {
    GlueFixtures.writeAll(dir);
    Task task = GlueReader.of(dir).read(glueTask);
    assertThat(task.name()).isEqualTo(glueTask.dirName());
    assertThat(task.kind()).isEqualTo(glueTask.kind());
    assertThat(task.metrics()).isEqualTo(glueTask.metrics());
    assertThat(task.train()).hasSize(train).allMatch(Example::isLabelled);
    assertThat(task.dev()).hasSize(dev).allMatch(Example::isLabelled);
    assertThat(task.test()).hasSize(test).noneMatch(Example::isLabelled);
    assertThat(task.train()).allMatch(e -> e.isPair() == glueTask.isPair());
  }

  @Test
  void colaHasNoHeaderAndQuotesDoNotMergeRows() throws IOException {
    GlueFixtures.writeAll(dir);
    Task cola = GlueReader.of(dir).read(GlueTask.COLA);
    // no header: the first line is data; ids are the 0-based row numbers; the sentence is column 3
    assertThat(cola.train()).containsExactly(
        Example.of("0", "Our friends won't buy this analysis.", "1"),
        Example.of("1", "\"They drank the pub dry.", "0"),
        Example.of("2", "He said \"hi\" and left.", "1"));
    // the test file has a header (index, sentence); ids come from its index column
    assertThat(cola.test()).containsExactly(
        Example.of("0", "Bill whistled past the house.", null), Example.of("1", "\"The car honked.", null));
  }

  @Test
  void mrpcHeaderWithByteOrderMark() throws IOException {
    GlueFixtures.writeAll(dir);
    Task mrpc = GlueReader.of(dir).read(GlueTask.MRPC);
    assertThat(mrpc.train()).containsExactly(
        Example.pair("0", "Amrozi accused his brother.", "Referring to him, Amrozi accused.", "1"),
        Example.pair("1", "\"Yucaipa owned Dominick's.", "Yucaipa bought Dominick's.", "0"));
    assertThat(mrpc.test()).extracting(Example::id).containsExactly("0", "1");
    try (TsvLines lines = new TsvLines(dir.resolve("MRPC/train.tsv"))) {
      assertThat(lines.next()).isEqualTo(row("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"));
    }
  }

  @Test
  void stsbAndQqpColumns() throws IOException {
    GlueFixtures.writeAll(dir);
    GlueReader reader = GlueReader.of(dir);
    Task sts = reader.read(GlueTask.STSB);
    assertThat(sts.train().get(1))
        .isEqualTo(Example.pair("1", "A man plays a flute.", "\"A man plays a flute.", "3.800"));
    assertThat(sts.gold(sts.train().get(1))).isEqualTo(3.8);
    Task qqp = reader.read(GlueTask.QQP);
    assertThat(qqp.train().get(1)).isEqualTo(Example.pair("402555", "\"How do I control my horny emotions?",
        "How do you control it?", "1"));
    assertThat(qqp.test()).containsExactly(Example.pair("0", "Why do rockets look white?",
        "Why are rockets and boosters painted white?", null));
  }

  @Test
  void mnliMatchedIsTheTaskAndMismatchedAndAxAreEvaluationSets() throws IOException {
    GlueFixtures.writeAll(dir);
    GlueReader reader = GlueReader.of(dir);
    Task mnli = reader.read(GlueTask.MNLI);
    // train: 12 columns, gold label the last; dev: 16 columns, gold label the last
    assertThat(mnli.train()).extracting(Example::label).containsExactly("neutral", "entailment");
    assertThat(mnli.train().get(1).textA()).isEqualTo("\"you know during the season");
    assertThat(mnli.dev()).containsExactly(Example.pair("0", "The new rights are nice.",
        "Everyone really likes them.", "neutral"));
    assertThat(mnli.test()).extracting(Example::textA).containsExactly("Hierbas is a liqueur.");
    assertThat(reader.readDev(GlueEvalSet.MNLI_MM)).extracting(Example::label)
        .containsExactly("contradiction", "contradiction");
    assertThat(reader.readTest(GlueEvalSet.MNLI_MM)).extracting(Example::id).containsExactly("0", "1");
    assertThat(reader.readTest(GlueEvalSet.AX)).containsExactly(
        Example.pair("0", "The cat sat on the mat.", "The cat did not sit on the mat.", null),
        Example.pair("1", "\"Quoted\" start.", "Unquoted.", null));
    assertThatThrownBy(() -> reader.readDev(GlueEvalSet.AX)).hasMessageContaining("AX has no dev set");
  }

  @Test
  void mnliWithoutMismatchedFiles() throws IOException {
    GlueFixtures.writeAll(dir);
    Files.delete(dir.resolve("MNLI/dev_mismatched.tsv"));
    Files.delete(dir.resolve("MNLI/test_matched.tsv"));
    GlueReader reader = GlueReader.of(dir);
    Task mnli = reader.read(GlueTask.MNLI);
    assertThat(mnli.test()).isEmpty(); // a missing test file is an empty test split
    assertThat(reader.hasDev(GlueEvalSet.MNLI_MM)).isFalse();
    assertThat(reader.hasDev(GlueEvalSet.MNLI_M)).isTrue();
    assertThatThrownBy(() -> reader.readDev(GlueEvalSet.MNLI_MM))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("MNLI/dev_mismatched.tsv").toString());
  }

  @Test
  void missingTaskNamesTheExpectedPath() throws IOException {
    GlueFixtures.writeAll(dir);
    GlueReader reader = GlueReader.of(dir);
    deleteTree(dir.resolve("RTE"));
    assertThatThrownBy(() -> reader.read(GlueTask.RTE))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("RTE/train.tsv").toString());
    Files.delete(dir.resolve("WNLI/dev.tsv"));
    assertThatThrownBy(() -> reader.read(GlueTask.WNLI))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("WNLI/dev.tsv").toString());
    assertThatThrownBy(() -> GlueReader.of(dir.resolve("nowhere")))
        .hasMessageContaining("nowhere").hasMessageContaining("does not exist");
  }

  @Test
  void tooFewColumnsNamesFileAndLine() throws IOException {
    GlueFixtures.writeAll(dir);
    Path file = write(dir, "RTE/train.tsv", row("index", "sentence1", "sentence2", "label"),
        row("0", "A.", "B.", "entailment"), row("1", "A sentence whose tab went missing.", "entailment"));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.RTE))
        .isInstanceOf(GlueFormatException.class)
        .hasMessageStartingWith(file + ":3: ")
        .hasMessageContaining("has 3 column(s), expected 4")
        .satisfies(e -> assertThat(((GlueFormatException) e).line()).isEqualTo(3));
  }

  @Test
  void mnliDevNeedsSixteenColumns() throws IOException {
    GlueFixtures.writeAll(dir);
    // a train-layout (12-column) row in the dev file: its gold label column (15) does not exist
    Path file = write(dir, "MNLI/dev_matched.tsv", row("header"),
        row("0", "1", "1n", "slate", "", "", "", "", "A.", "B.", "neutral", "neutral"));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.MNLI))
        .hasMessageStartingWith(file + ":2: ").hasMessageContaining("expected 16");
  }

  @Test
  void aTabInsideATextFieldIsAnErrorNotATruncatedSentence() throws IOException {
    GlueFixtures.writeAll(dir);
    // "A sentence<TAB>cut in two." would otherwise be read as "A sentence" with the rest of the row ignored
    Path file = write(dir, "RTE/train.tsv", row("index", "sentence1", "sentence2", "label"),
        row("0", "A.", "B.", "entailment"), row("1", "A sentence", "cut in two.", "B.", "entailment"));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.RTE))
        .isInstanceOf(GlueFormatException.class)
        .hasMessageStartingWith(file + ":3: ")
        .hasMessageContaining("has 5 column(s), expected 4")
        .hasMessageContaining("tab inside a text field");
    // the same in a file whose label is its last column: one more column shifts the label
    GlueFixtures.writeAll(dir);
    Path cola = write(dir, "CoLA/dev.tsv", row("gj04", "1", "", "Fine."), row("gj04", "1", "", "Two", "parts."));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.COLA))
        .hasMessageStartingWith(cola + ":2: ").hasMessageContaining("has 5 column(s), expected 4");
  }

  @Test
  void everyOfficialLayoutIsExactlyItsColumnCount() throws IOException {
    GlueFixtures.writeAll(dir);
    // MNLI dev: 16 columns with gold_label last; a 17th (a tab in sentence2) is an error, not ignored
    String[] dev = {"0", "63735", "63735n", "slate", "", "", "", "", "The new rights are nice.", "Everyone",
        "really likes them.", "neutral", "entailment", "neutral", "neutral", "neutral", "neutral"};
    Path file = write(dir, "MNLI/dev_matched.tsv", row("header"), row(dev));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.MNLI))
        .hasMessageStartingWith(file + ":2: ").hasMessageContaining("has 17 column(s), expected 16");
    // test files have their own, shorter layouts (no label), checked the same way
    GlueFixtures.writeAll(dir);
    Path test = write(dir, "QNLI/test.tsv", row("index", "question", "sentence"), row("0", "Q?", "S.", "extra"));
    assertThatThrownBy(() -> GlueReader.of(dir).readTest(GlueEvalSet.QNLI))
        .hasMessageStartingWith(test + ":2: ").hasMessageContaining("has 4 column(s), expected 3");
    GlueFixtures.writeAll(dir);
    Path ax = write(dir, "diagnostic/diagnostic.tsv", row("index", "sentence1", "sentence2"),
        row("0", "A.", "B.", ""));
    assertThatThrownBy(() -> GlueReader.of(dir).readTest(GlueEvalSet.AX))
        .hasMessageStartingWith(ax + ":2: ").hasMessageContaining("has 4 column(s), expected 3");
  }

  @Test
  void labelOutsideTheLabelSpaceNamesFileAndLine() throws IOException {
    GlueFixtures.writeAll(dir);
    Path file = write(dir, "CoLA/dev.tsv", row("gj04", "1", "", "Fine."), row("gj04", "yes", "", "Bad."));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.COLA))
        .isInstanceOf(GlueFormatException.class)
        .hasMessageStartingWith(file + ":2: ")
        .hasMessageContaining("label 'yes' is not in CoLA's label space [0, 1]");
  }

  @Test
  void stsbScoreNotANumberOrOutOfRangeNamesFileAndLine() throws IOException {
    GlueFixtures.writeAll(dir);
    String header = row("index", "genre", "filename", "year", "old_index", "source1", "source2",
        "sentence1", "sentence2", "score");
    Path file = write(dir, "STS-B/train.tsv", header,
        row("0", "g", "f", "y", "o", "s", "s", "A.", "B.", "4.2"),
        row("1", "g", "f", "y", "o", "s", "s", "A.", "B.", "high"));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.STSB))
        .hasMessageStartingWith(file + ":3: ").hasMessageContaining("score 'high' is not a number");
    write(dir, "STS-B/train.tsv", header, row("0", "g", "f", "y", "o", "s", "s", "A.", "B.", "5.5"));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.STSB))
        .hasMessageStartingWith(file + ":2: ").hasMessageContaining("outside [0.0, 5.0]");
  }

  @Test
  void aFileSavedWithoutItsHeaderIsAnErrorNotOneExampleShort() throws IOException {
    GlueFixtures.writeAll(dir);
    Path train = write(dir, "SST-2/train.tsv", row("a fine film", "1"), row("a dull film", "0"));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.SST2))
        .isInstanceOf(GlueFormatException.class)
        .hasMessageStartingWith(train + ":1: ")
        .hasMessageContaining("should be its header");
    GlueFixtures.writeAll(dir);
    Path test = write(dir, "SST-2/test.tsv", row("0", "a fine film"), row("1", "a dull film"));
    assertThatThrownBy(() -> GlueReader.of(dir).readTest(GlueEvalSet.SST2))
        .hasMessageStartingWith(test + ":1: ").hasMessageContaining("should be its header");
    // With their headers, the same rows read in full.
    write(dir, "SST-2/test.tsv", row("index", "sentence"), row("0", "a fine film"), row("1", "a dull film"));
    assertThat(GlueReader.of(dir).readTest(GlueEvalSet.SST2)).hasSize(2);
  }

  @Test
  void duplicateIdNamesFileAndLine() throws IOException {
    GlueFixtures.writeAll(dir);
    Path file = write(dir, "QNLI/dev.tsv", row("index", "question", "sentence", "label"),
        row("7", "Q?", "S.", "entailment"), row("7", "Q2?", "S2.", "not_entailment"));
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.QNLI))
        .hasMessageStartingWith(file + ":3: ").hasMessageContaining("duplicate example id '7'");
  }

  @Test
  void windowsLineEndingsAndLoneCarriageReturns() throws IOException {
    GlueFixtures.writeAll(dir);
    // CRLF ends lines; a lone '\r' inside a sentence is text, not a line break
    Files.writeString(dir.resolve("SST-2/train.tsv"),
        "sentence\tlabel\r\nfine film\t1\r\nodd\rbreak\t0\r\n", StandardCharsets.UTF_8);
    Task sst = GlueReader.of(dir).read(GlueTask.SST2);
    assertThat(sst.train()).containsExactly(Example.of("0", "fine film", "1"), Example.of("1", "odd\rbreak", "0"));
  }

  @Test
  void invalidUtf8IsAnErrorNamingFileAndLineNotReplacedText() throws IOException {
    GlueFixtures.writeAll(dir);
    Path file = dir.resolve("SST-2/train.tsv");
    // 0xC3 starts a two-byte sequence that '(' cannot continue: Latin-1 text in a UTF-8 file, for example
    writeBytes(file, "sentence\tlabel\nfine film\t1\n".getBytes(StandardCharsets.UTF_8),
        new byte[] {'c', 'a', 'f', (byte) 0xC3, '(', '\t', '0', '\n'});
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.SST2))
        .isInstanceOf(GlueFormatException.class)
        .hasMessageStartingWith(file + ":3: ")
        .hasMessageContaining("not valid UTF-8")
        .hasMessageContaining("byte 4");
  }

  @Test
  void invalidUtf8FarIntoTheFileAndAtItsEndNamesTheRightLine() throws IOException {
    GlueFixtures.writeAll(dir);
    // past the reader's first buffer, so that the line number cannot come from where decoding happened to stop
    StringBuilder rows = new StringBuilder("sentence\tlabel\n");
    for (int i = 0; i < 3000; i++) {
      rows.append("a long enough sentence number ").append(i).append(" \u00e9t\u00e9\t1\n");
    }
    Path file = dir.resolve("SST-2/train.tsv");
    writeBytes(file, rows.toString().getBytes(StandardCharsets.UTF_8),
        new byte[] {'x', (byte) 0xFF, '\t', '0', '\n'});
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.SST2))
        .hasMessageStartingWith(file + ":3002: ").hasMessageContaining("not valid UTF-8");
    // a multi-byte character cut off by the end of the file (no final newline)
    writeBytes(file, "sentence\tlabel\nok\t1\nfin\t".getBytes(StandardCharsets.UTF_8),
        new byte[] {'0', (byte) 0xE2, (byte) 0x82});
    assertThatThrownBy(() -> GlueReader.of(dir).read(GlueTask.SST2))
        .hasMessageStartingWith(file + ":3: ").hasMessageContaining("not valid UTF-8");
  }

  @Test
  void anEmptyDevFileIsAnErrorNamingTheFile() throws IOException {
    GlueFixtures.writeAll(dir);
    GlueReader reader = GlueReader.of(dir);
    Path sst = write(dir, "SST-2/dev.tsv", row("sentence", "label")); // a header and nothing else
    assertThatThrownBy(() -> reader.read(GlueTask.SST2))
        .isInstanceOf(GlueFormatException.class)
        .hasMessageStartingWith(sst + ": ")
        .hasMessageContaining("no examples");
    Path cola = write(dir, "CoLA/dev.tsv"); // zero bytes, and CoLA has no header
    assertThatThrownBy(() -> reader.read(GlueTask.COLA))
        .hasMessageStartingWith(cola + ": ").hasMessageContaining("no examples")
        .satisfies(e -> assertThat(((GlueFormatException) e).line()).isZero());
    Path mm = write(dir, "MNLI/dev_mismatched.tsv", row("index", "promptID"));
    assertThatThrownBy(() -> reader.readDev(GlueEvalSet.MNLI_MM))
        .hasMessageStartingWith(mm + ": ").hasMessageContaining("no examples");
    // the same for the other files: an empty training or test file is a broken copy, not an empty split
    Path train = write(dir, "RTE/train.tsv", row("index", "sentence1", "sentence2", "label"));
    assertThatThrownBy(() -> reader.read(GlueTask.RTE)).hasMessageStartingWith(train + ": ");
    Path test = write(dir, "WNLI/test.tsv", row("index", "sentence1", "sentence2"));
    assertThatThrownBy(() -> reader.read(GlueTask.WNLI)).hasMessageStartingWith(test + ": ");
  }

  @Test
  void trainCapsFirstOrSeededRandomInFileOrder() throws IOException {
    GlueFixtures.writeAll(dir);
    List<String> rows = new ArrayList<>(List.of(row("sentence", "label")));
    for (int i = 0; i < 100; i++) {
      rows.add(row("sentence " + i, Integer.toString(i % 2)));
    }
    write(dir, "SST-2/train.tsv", rows.toArray(new String[0]));
    Task first = GlueReader.builder(dir).optTrainCap(TrainCap.first(5)).build().read(GlueTask.SST2);
    assertThat(first.train()).extracting(Example::id).containsExactly("0", "1", "2", "3", "4");

    GlueReader random = GlueReader.builder(dir)
        .optTrainCap(TrainCap.first(1))
        .optTrainCap(GlueTask.SST2, TrainCap.random(10, 42))
        .build();
    List<Example> a = random.read(GlueTask.SST2).train();
    List<Example> b = random.read(GlueTask.SST2).train();
    assertThat(a).hasSize(10).isEqualTo(b); // same seed, same examples
    assertThat(a).extracting(e -> Integer.parseInt(e.id())).isSorted();
    assertThat(a).extracting(Example::id).isNotEqualTo(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    assertThat(random.read(GlueTask.COLA).train()).hasSize(1); // the default cap
    assertThat(random.read(GlueTask.COLA).dev()).hasSize(1); // dev is never capped
    assertThatThrownBy(() -> TrainCap.first(0)).hasMessageContaining("got 0");
  }

  @Test
  void aCappedReadKeepsTheRowsCappingTheWholeFileKeepsAndStillChecksEveryRow() throws IOException {
    GlueFixtures.writeAll(dir);
    List<String> rows = new ArrayList<>(List.of(row("sentence", "label")));
    for (int i = 0; i < 500; i++) {
      rows.add(row("sentence " + i, Integer.toString(i % 2)));
    }
    write(dir, "SST-2/train.tsv", rows.toArray(new String[0]));
    List<Example> whole = GlueReader.of(dir).read(GlueTask.SST2).train();
    for (TrainCap cap : List.of(TrainCap.random(37, 13), TrainCap.random(499, 5), TrainCap.random(500, 1),
        TrainCap.random(1000, 1), TrainCap.first(20))) {
      assertThat(GlueReader.builder(dir).optTrainCap(cap).build().read(GlueTask.SST2).train()).as("%s", cap)
          .isEqualTo(cap.apply(whole));
    }

    // A bad row after every kept one is still found: the whole file is checked, only the kept rows are held.
    rows.add("a row without its label");
    Path train = write(dir, "SST-2/train.tsv", rows.toArray(new String[0]));
    assertThatThrownBy(() -> GlueReader.builder(dir).optTrainCap(TrainCap.first(5)).build().read(GlueTask.SST2))
        .isInstanceOf(GlueFormatException.class).hasMessageStartingWith(train + ":502: ");
  }

  @Test
  void aCappedReadFindsARepeatedIdAmongTheRowsItDoesNotKeep() throws IOException {
    GlueFixtures.writeAll(dir);
    List<String> rows = new ArrayList<>(List.of(row("index", "question", "sentence", "label")));
    for (int i = 0; i < 300; i++) {
      rows.add(row(Integer.toString(i == 250 ? 200 : i), "Q" + i + "?", "S" + i + ".", "entailment"));
    }
    Path train = write(dir, "QNLI/train.tsv", rows.toArray(new String[0]));
    assertThatThrownBy(() -> GlueReader.builder(dir).optTrainCap(TrainCap.random(3, 1)).build()
        .read(GlueTask.QNLI))
        .hasMessageStartingWith(train + ":252: ").hasMessageContaining("duplicate example id '200'");
  }

  private static void writeBytes(Path file, byte[] head, byte[] tail) throws IOException {
    byte[] all = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    Files.write(file, all);
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
