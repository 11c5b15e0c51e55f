package io.github.bamjava.taskfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.pipeline.PipelineTask;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetrics;
import io.github.bamjava.task.TrainCap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task files and their data: what a good one gives, and the one clear error each bad one gets before training. */
class TaskSetTest {

  @TempDir Path dir;

  private static final String TASKS = """
      {
        "tasks": [
          {"name": "tickets", "kind": "classification", "labels": ["billing", "bug", "account"],
           "train": "tickets/train.jsonl", "dev": "tickets/dev.jsonl", "text": "message",
           "metrics": ["accuracy", "macro_f1"]},
          {"name": "same", "kind": "classification", "labels": ["no", "yes"], "format": "csv",
           "train": "same/train.csv", "dev": "same/dev.csv", "test": "same/test.csv",
           "text": "first", "text_pair": "second", "label": "answer", "id": "key", "metrics": ["f1", "accuracy"]},
          {"name": "stars", "kind": "regression", "range": [1, 5], "train": "stars/train.tsv",
           "dev": "stars/dev.tsv", "text": "review", "label": "stars", "train_cap": 2}
        ]
      }
      """;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** A task file and valid data for its three tasks. */
  private Path goodTaskSet() throws IOException {
    write("tickets/train.jsonl", """
        {"message": "I was charged twice", "label": "billing"}
        {"message": "The app crashes on start", "label": "bug"}

        {"message": "Reset my password", "label": "account", "extra": [1, 2]}
        """);
    write("tickets/dev.jsonl", "{\"message\": \"Refund please\", \"label\": \"billing\"}\n");
    write("same/train.csv", """
        key,first,second,answer
        a,"Hello, world","Hi, world",yes
        b,"A ""quoted"" word","Two
        lines",no
        c,plain,text,yes
        """);
    write("same/dev.csv", "key,first,second,answer\nd,x,y,no\n");
    write("same/test.csv", "key,first,second\nt1,x,y\n");
    write("stars/train.tsv", "review\tstars\ngreat \"stuff\"\t5\nbad\t1.5\nok\t3\n");
    write("stars/dev.tsv", "review\tstars\nfine\t4\n");
    return write("tasks.json", TASKS);
  }

  @Test
  void readsJsonLinesCsvAndTsvIntoTasks() throws IOException {
    TaskSet set = TaskSet.read(goodTaskSet());

    List<PipelineTask> tasks = set.load();

    assertThat(tasks).extracting(PipelineTask::name).containsExactly("tickets", "same", "stars");
    var tickets = tasks.get(0).task();
    assertThat(tickets.kind()).isEqualTo(new TaskKind.Classification(List.of("billing", "bug", "account")));
    // ids are line numbers when no id field is named; the blank line 3 is skipped
    assertThat(tickets.train()).extracting(Example::id).containsExactly("1", "2", "4");
    assertThat(tickets.metrics()).containsExactly(TaskMetrics.ACCURACY, TaskMetrics.MACRO_F1);
    var same = tasks.get(1).task();
    // RFC 4180: commas and doubled quotes inside quotes, a line break inside a quoted field
    assertThat(same.train()).containsExactly(
        Example.pair("a", "Hello, world", "Hi, world", "yes"),
        Example.pair("b", "A \"quoted\" word", "Two\nlines", "no"),
        Example.pair("c", "plain", "text", "yes"));
    assertThat(same.test()).containsExactly(Example.pair("t1", "x", "y", null));
    var stars = tasks.get(2).task();
    assertThat(stars.kind()).isEqualTo(new TaskKind.Regression(1, 5));
    assertThat(stars.train()).hasSize(2); // the train cap
    assertThat(set.tasks().get(2).trainCap()).isEqualTo(TrainCap.random(2, 13));
    // TSV keeps quotes as text
    assertThat(TaskSet.read(dir.resolve("tasks.json")).withSettings(set.settings()).tasks().get(2).format())
        .isEqualTo(DataFormat.TSV);
    assertThat(set.settings().recipe()).isEqualTo(Recipe.LEARNING);
  }

  @Test
  void tsvKeepsQuotesAsText() throws IOException {
    goodTaskSet();
    write("tasks.json", TASKS.replace("\"train_cap\": 2", "\"train_cap\": {\"limit\": 3, \"random\": false}"));
    var stars = TaskSet.read(dir.resolve("tasks.json")).load().get(2).task();
    assertThat(stars.train().get(0).textA()).isEqualTo("great \"stuff\"");
  }

  @Test
  void settingsOverThePreset() throws IOException {
    goodTaskSet();
    Files.createDirectories(dir.resolve("my-bert"));
    write("tasks.json", TASKS.replace("\n  ]\n}", """
          ],
          "settings": {"preset": "paper", "max_length": 64, "student": {"epochs": 2}, "teachers": 2,
                       "finetune": true, "seed": 9, "pooling": "mean", "encoder": "my-bert"}
        }"""));
    var s = TaskSet.read(dir.resolve("tasks.json")).settings();
    assertThat(s.recipe().maxLength()).isEqualTo(64);
    assertThat(s.recipe().student()).isEqualTo(new Stage(1e-4, 128, 2));
    assertThat(s.recipe().teacher()).isEqualTo(Recipe.PAPER.teacher());
    assertThat(s.recipe().heads().pooling()).isEqualTo(Pooling.MEAN);
    assertThat(s.teachersPerTask()).isEqualTo(2);
    assertThat(s.finetune()).isTrue();
    assertThat(s.seed()).isEqualTo(9);
    assertThat(s.encoder().describe()).isEqualTo(EncoderSource.huggingFace(dir.resolve("my-bert")).describe());
  }

  @Test
  void strategiesAreNamedInTheSettings() throws IOException {
    goodTaskSet();
    write("tasks.json", TASKS.replace("\n  ]\n}", """
          ],
          "settings": {"sampler": "uniform", "annealing": "constant:0.5", "loss": "cross-entropy",
                       "schedule": "warmup-linear:0.2", "bucket_by_length": true, "layer_decay": 0.8,
                       "temperature": 2}
        }"""));
    Recipe r = TaskSet.read(dir.resolve("tasks.json")).settings().recipe();
    assertThat(r.sampler().describe()).isEqualTo("size^0.0");
    assertThat(r.annealing().describe()).isEqualTo("constant 0.5");
    assertThat(r.schedule().describe()).isEqualTo("warmup 0.2, linear decay");
    assertThat(r.bucketByLength()).isTrue();
    assertThat(r.layerDecay()).isEqualTo(0.8);
    assertThat(r.temperature()).isEqualTo(2.0);
  }

  @Test
  void anUnknownStrategyIsNamedWithTheKnownOnes() throws IOException {
    String settings = TASKS.replace("\n  ]\n}", "\n  ],\n  \"settings\": {\"sampler\": \"temperature\"}\n}");
    assertTaskFileFails(settings, 12, "field 'settings.sampler'",
        "unknown sampler 'temperature'; known: uniform, proportional, size-exponent:<exponent>");
    assertTaskFileFails(settings.replace("\"sampler\": \"temperature\"", "\"sampler\": \"uniform\","
        + " \"task_exponent\": 0.5"), 12, "'settings.task_exponent'", "keep one");
  }

  // ---- bad task files: the file and the field

  /** @param line the line the error must name */
  private void assertTaskFileFails(String tasks, int line, String... messageParts) throws IOException {
    goodTaskSet();
    Path file = write("tasks.json", tasks);
    assertThatThrownBy(() -> TaskSet.read(file).load()).isInstanceOf(TaskFileException.class)
        .hasMessageStartingWith(file + ":" + line + ": ").hasMessageContainingAll(messageParts);
  }

  @Test
  void anUnknownFieldIsNamed() throws IOException {
    assertTaskFileFails(TASKS.replace("\"labels\": [\"no\"", "\"lables\": [\"no\""), 6,
        "unknown field 'tasks[1].lables'", "labels");
  }

  @Test
  void aMissingFieldIsNamed() throws IOException {
    // a missing field is named at the line its object starts
    assertTaskFileFails(TASKS.replace("\"text\": \"message\",", ""), 3, "field 'tasks[0].text' missing");
    assertTaskFileFails(TASKS.replace("\"range\": [1, 5], ", ""), 9, "field 'tasks[2].range' missing");
  }

  @Test
  void duplicateTaskNamesAreRefused() throws IOException {
    assertTaskFileFails(TASKS.replace("\"name\": \"stars\"", "\"name\": \"tickets\""), 9,
        "'tasks[2].name'", "'tickets': a task of this name is declared twice");
  }

  @Test
  void badKindsMetricsAndJsonAreNamed() throws IOException {
    assertTaskFileFails(TASKS.replace("\"regression\"", "\"score\""), 9, "tasks[2].kind", "\"score\"");
    assertTaskFileFails(TASKS.replace("\"macro_f1\"", "\"pearson\""), 5, "tasks[0].metrics",
        "'pearson' scores numbers");
    assertTaskFileFails(TASKS.replace("[\"accuracy\", \"macro_f1\"]", "[\"f1\"]"), 5, "'f1'", "use macro_f1");
    assertTaskFileFails(TASKS.replace("\"labels\": [\"no\", \"yes\"]", "\"labels\": [\"yes\"]"), 6,
        "tasks[1].labels", "at least 2");
    assertTaskFileFails(TASKS.replace("]\n}", "],\n}"), 12, "not valid JSON");
    assertTaskFileFails(TASKS.replace("\"format\": \"csv\",", "\"format\": \"csv\", \"label\": \"y\","), 8,
        "field 'tasks[1].label' appears twice");
  }

  // ---- bad data: the file, the line and the field, before anything trains

  private void assertDataFails(String file, String text, String... messageParts) throws IOException {
    Path tasks = goodTaskSet();
    Path data = write(file, text);
    TaskSet set = TaskSet.read(tasks);
    assertThatThrownBy(set::load).isInstanceOf(TaskFileException.class)
        .hasMessageStartingWith(data + messageParts[0]).hasMessageContainingAll(
            java.util.Arrays.copyOfRange(messageParts, 1, messageParts.length));
  }

  @Test
  void aLabelOutsideTheDeclaredListNamesItsLine() throws IOException {
    assertDataFails("tickets/train.jsonl", "{\"message\": \"a\", \"label\": \"bug\"}\n"
        + "{\"message\": \"b\", \"label\": \"billing\"}\n{\"message\": \"c\", \"label\": \"refund\"}\n",
        ":3: ", "field 'label'", "'refund' is not one of the task's labels [billing, bug, account]");
  }

  @Test
  void aRegressionLabelMustBeANumberInRange() throws IOException {
    assertDataFails("stars/train.tsv", "review\tstars\ngood\t4\nbad\tfive\n", ":3: ", "field 'stars'",
        "'five' is not a number");
    assertDataFails("stars/dev.tsv", "review\tstars\ngood\t4\nbad\t7\n", ":3: ", "field 'stars'",
        "7 is outside the task's range [1, 5]");
  }

  @Test
  void anEmptySplitIsRefused() throws IOException {
    assertDataFails("same/dev.csv", "key,first,second,answer\n", ": ", "no examples", "dev file of task same");
    assertDataFails("tickets/dev.jsonl", "\n\n", ": ", "no examples");
  }

  @Test
  void aTrainingSetOfOneClassIsRefused() throws IOException {
    assertDataFails("tickets/train.jsonl", "{\"message\": \"a\", \"label\": \"bug\"}\n"
        + "{\"message\": \"b\", \"label\": \"bug\"}\n", ": ", "field 'label'", "[bug]", "at least two classes");
  }

  @Test
  void aPairWithoutItsSecondTextNamesItsLine() throws IOException {
    assertDataFails("same/train.csv", "key,first,second,answer\na,x,y,yes\nb,x,,no\n", ":3: ", "field 'second'",
        "is empty", "a pair task needs both texts");
    assertDataFails("tickets/train.jsonl", "{\"message\": \"a\", \"label\": \"bug\"}\n{\"label\": \"billing\"}\n",
        ":2: ", "field 'message' is missing");
  }

  @Test
  void malformedUtf8NamesItsLine() throws IOException {
    Path tasks = goodTaskSet();
    Path data = dir.resolve("same/train.csv");
    Files.write(data, "key,first,second,answer\na,x,y,yes\nb,caf\u00e9,y,no\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> TaskSet.read(tasks).load()).isInstanceOf(TaskFileException.class)
        .hasMessageStartingWith(data + ":3: ").hasMessageContaining("not valid UTF-8: byte 6 of the line is 0xE9");
  }

  @Test
  void csvLinesCountTheLineBreaksInsideQuotes() throws IOException {
    // The row after a quoted two-line field starts on line 4, not 3.
    assertDataFails("same/train.csv", "key,first,second,answer\na,\"one\ntwo\",y,yes\nb,x,y,maybe\n", ":4: ",
        "field 'answer'", "'maybe' is not one of");
  }

  @Test
  void aRowWithTheWrongNumberOfFieldsOrAMissingColumnIsNamed() throws IOException {
    assertDataFails("same/train.csv", "key,first,second,answer\na,x,y,yes\nb,x,y\n", ":3: ",
        "3 field(s) where the header has 4");
    assertDataFails("same/train.csv", "key,first,answer\na,x,yes\n", ":1: ", "field 'second' is not a column");
    assertDataFails("tickets/train.jsonl", "{\"message\": \"a\", \"label\": \"bug\"}\n{\"message\": \"b\",\n",
        ":2: ", "not valid JSON");
  }

  @Test
  void duplicateIdsAreNamed() throws IOException {
    assertDataFails("same/train.csv", "key,first,second,answer\na,x,y,yes\na,x,z,no\n", ":3: ", "field 'key'",
        "'a' is the id of line 2 too");
  }

  @Test
  void aMissingDataFileIsNamed() throws IOException {
    Path tasks = goodTaskSet();
    Files.delete(dir.resolve("stars/dev.tsv"));
    assertThatThrownBy(() -> TaskSet.read(tasks).load()).isInstanceOf(TaskFileException.class)
        .hasMessageStartingWith(dir.resolve("stars/dev.tsv") + ": no such file")
        .hasMessageContaining("dev file of task stars");
  }
}
