package io.github.bamjava.examples;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.glue.GlueBam;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Mixes a task of your own with GLUE tasks in one BAM run: a teacher for each, then one student for all.
 *
 * <p>Your task is a TSV file without header, one example per line: {@code text<TAB>label} for single sentences
 * or {@code text_a<TAB>text_b<TAB>label} for pairs. Labels are class names (any strings); every fifth line is
 * held out as the dev set the task is scored on. The task is named after the file ({@code reviews.tsv} →
 * {@code reviews}).
 *
 * <p>Run it from the project root after {@code mvn -DskipTests package}:
 *
 * <pre>
 * java -cp bam-examples/target/bam.jar io.github.bamjava.examples.CustomTaskExample \
 *     my-task.tsv path/to/glue_data SST-2,RTE bam-custom
 * </pre>
 *
 * <p>Arguments: the TSV file, the GLUE directory, the GLUE tasks to add (comma-separated), and the output
 * directory (default {@code bam-custom}). It uses the {@link Preset#LEARNING} preset and the embedded MiniLM, and
 * prints the results table (your task has a row of its own).
 */
public final class CustomTaskExample {
  private CustomTaskExample() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    if (args.length < 3) {
      System.err.println("usage: CustomTaskExample TASK.tsv GLUE_DIR TASK[,TASK...] [OUTPUT_DIR]");
      System.exit(2);
    }
    Task mine = readTsvTask(Path.of(args[0]));
    List<GlueTask> glue = new ArrayList<>();
    for (String name : args[2].split(",")) {
      glue.add(GlueTask.byName(name.trim()));
    }
    GlueBam.Result result = GlueBam.of(GlueBam.Settings.of(Path.of(args[1]),
            Path.of(args.length > 3 ? args[3] : "bam-custom"))
        .withTasks(glue)
        .withCustomTask(mine)
        .withPreset(Preset.LEARNING), System.out)
        .run();
    System.out.println();
    System.out.print(result.markdown());
  }

  /**
   * Reads a headerless TSV of {@code text<TAB>label} or {@code text_a<TAB>text_b<TAB>label} lines into a
   * classification task; every fifth line goes to dev. All lines must have the same number of columns.
   */
  static Task readTsvTask(Path file) throws IOException {
    String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9_-]", "_");
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Example> train = new ArrayList<>();
    List<Example> dev = new ArrayList<>();
    TreeSet<String> labels = new TreeSet<>();
    int columns = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      checkArgument(f.length == 2 || f.length == 3,
          "%s line %s: expected text<TAB>label or text_a<TAB>text_b<TAB>label, got %s column(s)", file, i + 1,
          f.length);
      checkArgument(columns < 0 || f.length == columns, "%s line %s: %s columns where earlier lines have %s",
          file, i + 1, f.length, columns);
      columns = f.length;
      String label = f[f.length - 1].trim();
      labels.add(label);
      String id = Integer.toString(i);
      Example e = f.length == 2 ? Example.of(id, f[0], label) : Example.pair(id, f[0], f[1], label);
      ((train.size() + dev.size()) % 5 == 4 ? dev : train).add(e);
    }
    checkArgument(labels.size() >= 2, "%s: a classification task needs at least two labels, found %s", file,
        labels);
    return Task.builder(name, TaskKind.Classification.of(labels.toArray(new String[0])))
        .setTrain(train)
        .optDev(dev)
        .build();
  }
}
