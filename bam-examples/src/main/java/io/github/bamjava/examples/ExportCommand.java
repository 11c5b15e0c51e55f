package io.github.bamjava.examples;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.export.SequenceClassificationExport;
import io.github.bamjava.export.TaskExport;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.TorchEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bam export}: a saved model's tasks as HuggingFace folders ({@link SequenceClassificationExport}), one per
 * task whose head maps exactly; the others are listed with the reason.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    header = "Export a saved model's tasks as HuggingFace BertForSequenceClassification folders.",
    description = {"Writes OUT/<task>/ (config.json, model.safetensors, tokenizer files) for each task whose head",
        "BertForSequenceClassification computes exactly: [CLS] through the pooler, then a linear layer, for",
        "classification or linear regression (its logit is then the score on the task's scale). Other heads",
        "(mean pooling, a sigmoid regression output, custom heads) are refused with the reason.",
        "Python: AutoModelForSequenceClassification.from_pretrained(\"OUT/<task>\").", ""})
final class ExportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A saved model directory (with tasks.json), e.g. runs/quickstart/student/model.")
  Path model;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "Where the task folders go; a task folder that exists already is an error.")
  Path output;

  @Option(names = "--task", paramLabel = "NAME",
      description = "A task to export (repeatable; default: every task). A named task that cannot be exported"
          + " is a failure.")
  List<String> tasks = List.of();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    List<TaskExport> done;
    try (NDManager manager = TorchEngine.newManager(); BamModel m = BamModel.load(model, manager)) {
      done = SequenceClassificationExport.exportAll(m, tasks, output);
    }
    int written = 0;
    for (TaskExport e : done) {
      if (e.written()) {
        written++;
        out.printf("%s: written to %s (%s)%n", e.task(), e.folder(), SequenceClassificationExport.ARCHITECTURE);
      } else {
        out.printf("%s: not exported: %s%n", e.task(), e.refusal());
      }
    }
    out.flush();
    if (written == 0 || (!tasks.isEmpty() && written < done.size())) {
      spec.commandLine().getErr().printf("bam export: %s%n", written == 0 ? "no task of " + model
          + " has a head that maps onto " + SequenceClassificationExport.ARCHITECTURE
          : "a task named with --task was not exported (the reason is above)");
      return BamCli.EXIT_FAILURE;
    }
    return 0;
  }
}
