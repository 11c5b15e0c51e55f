package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.glue.GlueReader;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.study.Study;
import io.github.bamjava.glue.study.StudyConfig;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Parsing, exit codes and messages of the {@code bam} command line, and prediction with a tiny saved model. */
class BamCliTest {

  @TempDir Path tmp;

  /** What one invocation printed and returned. */
  private record Run(int exitCode, String out, String err) {}

  private static Run bam(String... args) {
    return bam(BamCli.commandLine(), args);
  }

  private static Run bam(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = BamCli.run(cli, args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A command that fails with an {@link Error}, as a run out of memory does. */
  @CommandLine.Command(name = "explode")
  static final class Explode implements Runnable {
    static Error error;

    @Override
    public void run() {
      throw error;
    }
  }

  @Test
  void aDeviceThisMachineLacksIsAUsageError() {
    Run tpu = bam("glue", "--glue-dir", tmp.toString(), "--device", "tpu");
    assertThat(tpu.exitCode()).isEqualTo(2);
    assertThat(tpu.err()).contains("--device must be cpu, gpu or gpu:N, got 'tpu'");
    Run gpu = bam("predict", "--model", tmp.toString(), "--task", "SST-2", "--device", "gpu:7", "text");
    assertThat(gpu.exitCode()).isEqualTo(2);
    assertThat(gpu.err()).contains("--device gpu:7: this machine has");
  }

  @Test
  void trainRefusesABadTaskFileOrRowWithOneLineBeforeTraining() throws IOException {
    Path tasks = tmp.resolve("tasks.json");
    Files.writeString(tasks, "{\"tasks\": [{\"name\": \"t\", \"kind\": \"classification\", \"labels\":"
        + " [\"a\", \"b\"], \"train\": \"train.csv\", \"dev\": \"dev.csv\", \"text\": \"s\","
        + " \"lable\": \"y\"}]}");
    Run unknown = bam("train", "--tasks", tasks.toString(), "-o", tmp.resolve("out").toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("bam train: " + tasks + ":1: unknown field 'tasks[0].lable'");

    Files.writeString(tasks, Files.readString(tasks).replace("lable", "label"));
    Files.writeString(tmp.resolve("train.csv"), "s,y\n\"one, two\",a\nthree,c\n");
    Files.writeString(tmp.resolve("dev.csv"), "s,y\nfour,b\n");
    Run badLabel = bam("train", "--tasks", tasks.toString(), "-o", tmp.resolve("out").toString());
    assertThat(badLabel.exitCode()).isEqualTo(1);
    assertThat(badLabel.err()).startsWith("bam train: " + tmp.resolve("train.csv")
        + ":3: field 'y' 'c' is not one of the task's labels [a, b]");
    assertThat(tmp.resolve("out")).doesNotExist();

    Run noFile = bam("train", "--tasks", tmp.resolve("none.json").toString());
    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.err()).contains("--tasks " + tmp.resolve("none.json") + " is not a file");
  }

  @Test
  void trainSaysWhichArchitectureItsEncoderIsAndRefusesALengthBeyondItsPositionsBeforeReadingData()
      throws IOException {
    // RoBERTa's 66 position rows leave 64 positions past its padding offset; the learning preset asks for 128.
    Path roberta = Files.createDirectories(tmp.resolve("roberta"));
    Files.writeString(roberta.resolve("config.json"), """
        {"model_type": "roberta", "vocab_size": 400, "hidden_size": 16, "num_hidden_layers": 2,
         "num_attention_heads": 4, "intermediate_size": 32, "max_position_embeddings": 66, "type_vocab_size": 1,
         "pad_token_id": 1}
        """);
    Path tasks = tmp.resolve("tasks.json");
    Files.writeString(tasks, "{\"tasks\": [{\"name\": \"t\", \"kind\": \"classification\", \"labels\":"
        + " [\"a\", \"b\"], \"train\": \"no-such.csv\", \"dev\": \"no-such-dev.csv\", \"text\": \"s\","
        + " \"label\": \"y\"}], \"settings\": {\"preset\": \"learning\"}}");

    Run run = bam("train", "--tasks", tasks.toString(), "-o", tmp.resolve("out").toString(), "--encoder",
        roberta.toString());

    assertThat(run.out()).contains("encoder: RoBERTa, 2 layers, hidden 16, 4 heads, from " + roberta);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("the task file's max length 128 is longer than the 64 positions of the encoder")
        .contains("(max_position_embeddings 66); choose at most 64");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void fp16OnACpuIsRefusedBeforeAnythingRuns() {
    Run run = bam("glue", "--glue-dir", tmp.toString(), "--output", tmp.resolve("out").toString(), "--device",
        "cpu", "--fp16");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("mixed precision (FP16) needs a GPU, but the device is cpu()")
        .contains("1000x slower");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void aMaxLengthBeyondTheEncodersPositionsIsRefusedBeforeAnyDataIsReadOrDirectoryMade() {
    Run run = bam("glue", "--glue-dir", tmp.resolve("no-glue-here").toString(), "--output",
        tmp.resolve("out").toString(), "--max-length", "100000");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--max-length 100000 is longer than the 512 positions of the encoder,"
        + " all-MiniLM-L6-v2 (embedded) (max_position_embeddings 512); choose at most 512");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void anErrorIsOneClearLineAndExitOneUnlessVerbose() {
    Explode.error = new OutOfMemoryError("Cannot reserve 4194304 bytes of direct buffer memory");
    Run oom = bam(BamCli.commandLine().addSubcommand(new Explode()), "explode");
    assertThat(oom.exitCode()).isEqualTo(1);
    assertThat(oom.err().strip()).doesNotContain("\n").doesNotContain("\tat ")
        .contains("out of direct (native transfer) memory").contains("-XX:MaxDirectMemorySize");

    Explode.error = new StackOverflowError();
    Run deep = bam(BamCli.commandLine().addSubcommand(new Explode()), "explode");
    assertThat(deep.exitCode()).isEqualTo(1);
    assertThat(deep.err()).contains("stack overflow").contains("-Xss");

    Explode.error = new OutOfMemoryError("Java heap space");
    Run verbose = bam(BamCli.commandLine().addSubcommand(new Explode()), "--verbose", "explode");
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err()).contains("java.lang.OutOfMemoryError: Java heap space").contains("\tat ");
  }

  @Test
  void helpAndVersionSucceed() {
    Run help = bam("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("quickstart", "glue", "predict", "download-glue", "study", "plot",
        "Exit codes");
    assertThat(bam("glue", "--help").out()).contains("--glue-dir", "--preset", "--train-cap", "--symmetric");
    assertThat(bam("--version").exitCode()).isZero();
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(bam().exitCode()).isEqualTo(2);
    Run unknown = bam("--frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--frobnicate");
    Run missing = bam("glue");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--glue-dir");
    Run badTask = bam("glue", "--glue-dir", tmp.toString(), "--tasks", "SST-2,NOPE");
    assertThat(badTask.exitCode()).isEqualTo(2);
    assertThat(badTask.err()).contains("NOPE");
    Run badMethod = bam("study", "run", "--glue-dir", tmp.toString(), "--methods", "bam,nope");
    assertThat(badMethod.exitCode()).isEqualTo(2);
    assertThat(badMethod.err()).contains("no study method 'nope'", "bam-bucketed");
    assertThat(bam("glue", "--glue-dir", tmp.toString(), "--preset", "huge").exitCode()).isEqualTo(2);
    assertThat(bam("glue", "--glue-dir", tmp.toString(), "--train-cap", "-1").exitCode()).isEqualTo(2);
    assertThat(bam("predict", "--model", tmp.toString(), "--task", "x").exitCode()).isEqualTo(2);
    Run encoder = bam("glue", "--glue-dir", tmp.toString(), "--encoder", tmp.resolve("no-bert").toString());
    assertThat(encoder.exitCode()).isEqualTo(2);
    assertThat(encoder.err()).contains("--encoder " + tmp.resolve("no-bert") + " is not a directory");
    Run resamples = bam("study", "report", "-o", tmp.toString(), "--resamples", "0");
    assertThat(resamples.exitCode()).isEqualTo(2);
    assertThat(resamples.err()).contains("--resamples must be >= 1, got 0");
    Run mrpc = bam("download-glue", "-o", tmp.toString(), "--tasks", "MRPC");
    assertThat(mrpc.exitCode()).isEqualTo(2);
    assertThat(mrpc.err()).contains("MRPC has no public archive: add --mrpc-url");
    Run relative = bam("download-glue", "-o", tmp.toString(), "--mrpc-url", "mrpc.zip");
    assertThat(relative.exitCode()).isEqualTo(2);
    assertThat(relative.err()).contains("--mrpc-url must be an absolute URL", "'mrpc.zip'");
  }

  @Test
  void optionValuesAreAcceptedInTheCaseTheHelpShows() {
    // Past parsing: the run fails on its missing GLUE directory, not on the value (exit 1, not 2).
    Run lower = bam("glue", "--glue-dir", tmp.resolve("none").toString(), "--regression", "linear", "--pooling",
        "mean", "--output", tmp.resolve("out").toString());
    assertThat(lower.exitCode()).as(lower.err()).isEqualTo(1);
    assertThat(lower.err()).startsWith("bam glue: ").doesNotContain("expected one of");
  }

  @Test
  void aFailureOfANestedCommandNamesItAndAFileInTheWayOfADirectorySaysSo() throws IOException {
    Path study = tmp.resolve("study");
    Run nested = bam("study", "report", "-o", study.toString());
    assertThat(nested.exitCode()).isEqualTo(1);
    assertThat(nested.err()).startsWith("bam study report: ");

    Path log = Files.writeString(tmp.resolve("metrics.jsonl"), "");
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    Run inTheWay = bam("plot", log.toString(), file.toString());
    assertThat(inTheWay.exitCode()).isEqualTo(1);
    assertThat(inTheWay.err()).contains(file + " is a file where a directory is needed");
  }

  @Test
  void glueSaysWhichArchitectureItsEncoderIsAndRefusesAnUnsupportedOneAtOnce() throws IOException {
    Path roberta = Files.createDirectories(tmp.resolve("roberta"));
    Files.writeString(roberta.resolve("config.json"), """
        {"model_type": "roberta", "vocab_size": 400, "hidden_size": 16, "num_hidden_layers": 2,
         "num_attention_heads": 4, "intermediate_size": 32, "max_position_embeddings": 66, "type_vocab_size": 1,
         "pad_token_id": 1}
        """);
    Run r = bam("glue", "--glue-dir", tmp.resolve("no-such-dir").toString(), "--output", tmp.toString(),
        "--encoder", roberta.toString());
    assertThat(r.out()).contains("encoder: RoBERTa, 2 layers, hidden 16, 4 heads, from " + roberta);

    Path xlnet = Files.createDirectories(tmp.resolve("xlnet"));
    Files.writeString(xlnet.resolve("config.json"), "{\"model_type\": \"xlnet\"}");
    Run refused = bam("glue", "--glue-dir", tmp.toString(), "--encoder", xlnet.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains(xlnet.resolve("config.json").toString(),
        "model_type 'xlnet' is not supported; supported: bert, roberta, distilbert, electra");
  }

  @Test
  void runtimeFailuresExitWithOneAndAMessageWithoutStackTrace() {
    Run r = bam("glue", "--glue-dir", tmp.resolve("no-such-dir").toString(), "--output", tmp.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("bam glue: ").contains("no-such-dir").doesNotContain("\tat ");
    Run verbose = bam("glue", "--verbose", "--glue-dir", tmp.resolve("no-such-dir").toString());
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void predictPrintsOneLinePerInput() throws IOException {
    Path model = BornAgainTrainer.builder()
        .setEncoder(SyntheticTasks.tinyEncoder(3))
        .addTask(SyntheticTasks.sentiment(32, 8, 1))
        .setOutputDir(tmp.resolve("run"))
        .optEpochs(1)
        .optBatchSize(16)
        .optMaxLength(32) // the tiny encoder has 64 positions
        .build()
        .train()
        .modelDir();

    Run r = bam("predict", "--model", model.toString(), "--task", "sentiment", "good waa wab", "bad wac");

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("[01]\t[01]\\.\\d{4}\tgood waa wab");
    assertThat(lines.get(1)).matches("[01]\t[01]\\.\\d{4}\tbad wac");

    Path input = Files.writeString(tmp.resolve("in.txt"), "great wad\nsad wae\n");
    assertThat(bam("predict", "--model", model.toString(), "--task", "sentiment", "--input", input.toString())
        .out().lines()).hasSize(2);

    Run unknownTask = bam("predict", "--model", model.toString(), "--task", "SST-2", "good");
    assertThat(unknownTask.exitCode()).isEqualTo(1);
    assertThat(unknownTask.err()).contains("SST-2", "sentiment");

    // A byte-order mark is not text; invalid UTF-8 and a directory are errors naming the file.
    Path bom = Files.writeString(tmp.resolve("bom.txt"), "\uFEFFgreat wad\n");
    assertThat(bam("predict", "--model", model.toString(), "--task", "sentiment", "--input", bom.toString())
        .out()).matches("[01]\t[01]\\.\\d{4}\tgreat wad\\R");
    Path bad = tmp.resolve("bad.txt");
    Files.write(bad, new byte[] {'o', 'k', '\n', 'a', (byte) 0xff, 'b', '\n'});
    Run invalid = bam("predict", "--model", model.toString(), "--task", "sentiment", "--input", bad.toString());
    assertThat(invalid.exitCode()).isEqualTo(1);
    assertThat(invalid.err()).contains("line 2 of " + bad + " is not valid UTF-8");
    Run directory = bam("predict", "--model", model.toString(), "--task", "sentiment", "--input", tmp.toString());
    assertThat(directory.exitCode()).isEqualTo(2);
    assertThat(directory.err()).contains("--input " + tmp + " is a directory");

    // The tiny model has 64 positions: the default length adapts, an explicit longer one is refused.
    String longInput = "good " + "waa ".repeat(100);
    assertThat(bam("predict", "--model", model.toString(), "--task", "sentiment", longInput).exitCode()).isZero();
    Run tooLong = bam("predict", "--model", model.toString(), "--task", "sentiment", "--max-length", "100", "good");
    assertThat(tooLong.exitCode()).isEqualTo(2);
    assertThat(tooLong.err()).contains("--max-length 100 is longer than the model's 64 positions");

    // The head read single sentences: a pair would get an answer as confident as it is meaningless.
    Path pairs = Files.writeString(tmp.resolve("pairs.tsv"), "great wad\nsad wae\tgood waf\n");
    Run pair = bam("predict", "--model", model.toString(), "--task", "sentiment", "--input", pairs.toString());
    assertThat(pair.exitCode()).isEqualTo(2);
    assertThat(pair.out().lines()).hasSize(1); // line 1's row: the rows are written as the lines are read
    assertThat(pair.err()).contains("line 2 of " + pairs + " is a sentence pair, but the head of sentiment in "
        + model + " was trained on single sentences: give each input as one sentence, without a tab or '|||';"
        + " the output has the row of the line before it");
  }

  @Test
  void plotDrawsTheFourChartsOfARunsMetricsLog() throws IOException {
    // Two steps and one epoch of SST-2, as MetricsLog writes them.
    Path log = Files.createDirectories(tmp.resolve("run")).resolve("metrics.jsonl");
    Files.writeString(log, String.join("\n",
        "{\"type\":\"start\",\"tasks\":[\"SST-2\"],\"task_probabilities\":[1.0],\"total_steps\":2,"
            + "\"steps_per_epoch\":2,\"start_step\":0}",
        "{\"type\":\"step\",\"step\":1,\"epoch\":0,\"loss\":0.7,\"task_loss\":{\"SST-2\":0.7},\"lambda\":0.5,"
            + "\"lr\":1e-4,\"grad_norm\":1.0,\"examples\":8,\"tokens\":80,\"examples_per_s\":10.0}",
        "{\"type\":\"step\",\"step\":2,\"epoch\":0,\"loss\":0.5,\"task_loss\":{\"SST-2\":0.5},\"lambda\":1.0,"
            + "\"lr\":0.0,\"grad_norm\":1.0,\"examples\":8,\"tokens\":80,\"examples_per_s\":10.0}",
        "{\"type\":\"epoch\",\"epoch\":0,\"step\":2,\"dev\":{\"SST-2\":{\"accuracy\":0.75}},"
            + "\"task_counts\":{\"SST-2\":16}}", ""));

    Run r = bam("plot", log.toString(), tmp.resolve("charts").toString());
    Run byDefault = bam("plot", log.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines()).hasSize(4);
    for (String chart : List.of("lambda.svg", "task-loss.svg", "dev-metrics.svg", "task-shares.svg")) {
      assertThat(tmp.resolve("charts").resolve(chart)).isRegularFile();
      assertThat(tmp.resolve("run/plots").resolve(chart)).isRegularFile();
    }
    assertThat(byDefault.exitCode()).as(byDefault.err()).isZero();
    assertThat(bam("plot").exitCode()).isEqualTo(2);
    Run missing = bam("plot", tmp.resolve("none.jsonl").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("bam plot: ").contains("none.jsonl");
  }

  /** A GLUE directory with SST-2 only: three training sentences (two labelled 1) and two dev sentences. */
  private Path tinySst2() throws IOException {
    Path glue = tmp.resolve("glue");
    Files.createDirectories(glue.resolve("SST-2"));
    Files.writeString(glue.resolve("SST-2/train.tsv"), "sentence\tlabel\na\t1\nb\t1\nc\t0\n");
    Files.writeString(glue.resolve("SST-2/dev.tsv"), "sentence\tlabel\nd\t1\ne\t0\n");
    return glue;
  }

  @Test
  void aLaunchOfFewerSeedsKeepsTheOthersInStudyJson() throws IOException {
    Path glue = tinySst2();
    Path out = tmp.resolve("study");
    Files.createDirectories(out);
    StudyCommand.saveDescription(Study.of(StudyConfig.of(glue, out).withSeeds(List.of(1L, 2L, 3L, 4L, 5L)),
        System.out), out);
    StudyCommand.saveDescription(Study.of(StudyConfig.of(glue, out).withSeeds(List.of(1L, 2L, 3L, 7L)),
        System.out), out);

    JsonObject saved = JsonParser.parseString(Files.readString(out.resolve("study.json"))).getAsJsonObject();
    assertThat(saved.getAsJsonArray("seeds").asList().stream().map(e -> e.getAsLong()))
        .containsExactly(1L, 2L, 3L, 4L, 5L, 7L);
  }

  @Test
  void studyReportWithTheGlueDirRecordsTheMajorityClassesAStudyJsonLacks() throws IOException {
    Path glue = tinySst2();
    Path out = tmp.resolve("study");
    // What `bam study run` wrote before majority classes were recorded.
    JsonObject old = Study.of(StudyConfig.of(glue, out), System.out).describe();
    old.getAsJsonObject("tasks").getAsJsonObject("SST-2").remove(Study.MAJORITY);
    Files.createDirectories(out);
    Files.writeString(out.resolve("study.json"), old.toString());

    Run r = bam("study", "report", "-o", out.toString(), "--glue-dir", glue.toString(), "--resamples", "10");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonObject sst = JsonParser.parseString(Files.readString(out.resolve("study.json"))).getAsJsonObject()
        .getAsJsonObject("tasks").getAsJsonObject("SST-2");
    assertThat(sst.getAsJsonObject(Study.MAJORITY).get("label").getAsString()).isEqualTo("1");
    assertThat(sst.getAsJsonObject(Study.MAJORITY).get("train_share").getAsDouble()).isEqualTo(2.0 / 3);

    // Other data make another study: refused, and study.json stays as it is.
    Files.writeString(glue.resolve("SST-2/train.tsv"), "sentence\tlabel\na\t1\nb\t1\nc\t0\nf\t0\n");
    String before = Files.readString(out.resolve("study.json"));
    Run other = bam("study", "report", "-o", out.toString(), "--glue-dir", glue.toString());
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err()).contains("holds a study with other settings");
    assertThat(Files.readString(out.resolve("study.json"))).isEqualTo(before);
  }

  @Test
  void aMalformedStudyJsonIsAnErrorNamingTheFile() throws IOException {
    Path glue = tinySst2();
    Path out = tmp.resolve("study");
    Path file = out.resolve("study.json");
    Files.createDirectories(out);
    for (String text : List.of("{\"tasks\": {", "", "[]", "{\"tasks\": 3, \"seeds\": [1]}",
        "{\"tasks\": {\"SST-2\": {}}, \"seeds\": [\"one\"]}")) {
      Files.writeString(file, text);
      for (Run r : List.of(
          bam("study", "run", "--glue-dir", glue.toString(), "-o", out.toString(), "--seeds", "1", "--methods",
              "single", "--run-id", "launch"),
          bam("study", "report", "-o", out.toString(), "--glue-dir", glue.toString()),
          bam("study", "report", "-o", out.toString()))) {
        assertThat(r.exitCode()).as(text).isEqualTo(1);
        assertThat(r.err()).as(text).contains(file.toString());
      }
      assertThat(Files.readString(file)).isEqualTo(text);
    }
  }

  @Test
  void aStudyLeftUnfinishedByAnotherWorkersFailureIsAFailure() throws IOException {
    Path glue = tinySst2();
    Path out = tmp.resolve("study");
    // The only job failed in another worker of this launch: nothing is left for this one to do.
    Files.createDirectories(out.resolve("claims"));
    Files.writeString(out.resolve("claims/single_seed-1_SST-2.launch.failed"), "diverged");

    Run run = bam("study", "run", "--glue-dir", glue.toString(), "-o", out.toString(), "--seeds", "1",
        "--methods", "single", "--run-id", "launch");

    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void pairInputsSplitAtTabOrSeparator() {
    assertThat(PredictCommand.parse("0", "a b\tc d", "input 1").textB()).isEqualTo("c d");
    assertThat(PredictCommand.parse("0", "a b ||| c d", "input 1").textA()).isEqualTo("a b");
    assertThat(PredictCommand.parse("0", "a b", "input 1").isPair()).isFalse();
    // A second separator would have joined the second sentence unseen.
    assertThatThrownBy(() -> PredictCommand.parse("0", "a\tb\tc", "line 3 of in.tsv"))
        .hasMessageContaining("line 3 of in.tsv has more than one <TAB>: an input is a sentence or a pair"
            + " 'first<TAB>second'");
    assertThatThrownBy(() -> PredictCommand.parse("0", "a ||| b ||| c", "sentence 2"))
        .hasMessageContaining("sentence 2 has more than one |||");
  }

  @Test
  void theQuickstartSampleIsValidGlueData() throws IOException {
    Path data = QuickstartCommand.extractSample(tmp.resolve("data"));
    GlueReader reader = GlueReader.of(data);
    assertThat(GlueReader.availableTasks(data)).containsExactlyInAnyOrderElementsOf(QuickstartCommand.TASKS);
    for (GlueTask task : QuickstartCommand.TASKS) {
      Task t = reader.read(task);
      assertThat(t.train()).hasSize(240);
      assertThat(t.dev()).hasSize(60);
      assertThat(t.test()).hasSize(20);
    }
  }

  @Test
  void aRunReadingTheSampleNeverSeesItHalfRewrittenByASecondQuickstart() throws Exception {
    // A second `bam quickstart` into the same output rewrites the sample before it meets the first one's lock;
    // the first reads test.tsv again at the end of its run, for the submission files.
    Path data = QuickstartCommand.extractSample(tmp.resolve("data"));
    Path test = data.resolve("RTE/test.tsv");
    byte[] complete = Files.readAllBytes(test);
    AtomicBoolean done = new AtomicBoolean();
    Thread second = new Thread(() -> {
      try {
        while (!done.get()) {
          QuickstartCommand.extractSample(data);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    second.start();
    try {
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end) {
        byte[] read;
        try {
          read = Files.readAllBytes(test);
        } catch (NoSuchFileException e) {
          read = new byte[0];
        }
        assertThat(read).as("test.tsv as a running quickstart reads it").isEqualTo(complete);
      }
    } finally {
      done.set(true);
      second.join();
    }
  }

  @Test
  void customTsvTaskHoldsOutEveryFifthLine() throws IOException {
    StringBuilder tsv = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      tsv.append("text ").append(i).append('\t').append(i % 2 == 0 ? "yes" : "no").append('\n');
    }
    Path file = Files.writeString(tmp.resolve("my task.tsv"), tsv);

    Task task = CustomTaskExample.readTsvTask(file);

    assertThat(task.name()).isEqualTo("my_task");
    assertThat(task.train()).hasSize(8);
    assertThat(task.dev()).hasSize(2);
    Files.writeString(file, "a\tb\tyes\nc\tno\n");
    assertThatThrownBy(() -> CustomTaskExample.readTsvTask(file)).hasMessageContaining("line 2");
  }
}
