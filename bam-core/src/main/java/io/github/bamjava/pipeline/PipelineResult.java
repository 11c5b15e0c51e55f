package io.github.bamjava.pipeline;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link BamPipeline} run produced.
 *
 * @param scores dev scores by method, in column order: {@value BamPipeline#MAJORITY} and
 *     {@value BamPipeline#BEST_CONSTANT} (the baselines),
 *     {@value BamPipeline#SINGLE} (the teachers), {@value BamPipeline#BAM} (the student) and, with fine-tuning,
 *     {@value BamPipeline#BAM_FINETUNED}
 * @param outputDir the run's output directory
 * @param studentModel the multi-task student's saved model
 * @param finetunedModels the fine-tuned models by task; empty without fine-tuning
 * @param finalStepFiles the files the run's {@link FinalStep} wrote
 * @param seconds the wall time of the run
 */
public record PipelineResult(Map<String, DevScores> scores, Path outputDir, Path studentModel,
    Map<String, Path> finetunedModels, List<Path> finalStepFiles, double seconds) {

  /** Copies the maps and lists. */
  public PipelineResult {
    scores = ImmutableMap.copyOf(scores);
    finetunedModels = ImmutableMap.copyOf(finetunedModels);
    finalStepFiles = ImmutableList.copyOf(finalStepFiles);
  }

  /** {@link #markdown(ResultsStyle)} in the words of a run on one's own tasks. */
  public String markdown() {
    return markdown(ResultsStyle.DEFAULT);
  }

  /**
   * The results as Markdown: a table with one row per evaluation set and one column per method (scores times
   * 100), the overall score of each method, then each method's table with every metric.
   */
  public String markdown(ResultsStyle style) {
    List<String> methods = List.copyOf(scores.keySet());
    DevScores first = scores.get(methods.get(0));
    StringBuilder md = new StringBuilder("| Task |");
    methods.forEach(m -> md.append(' ').append(m).append(" |"));
    md.append("\n|---|").append("---:|".repeat(methods.size())).append('\n');
    for (int r = 0; r < first.rows().size(); r++) {
      md.append("| ").append(first.rows().get(r).name()).append(" |");
      for (String m : methods) {
        md.append(' ').append(DevScores.percent(scores.get(m).rows().get(r).score())).append(" |");
      }
      md.append('\n');
    }
    md.append("| **").append(style.scoreName()).append("** |");
    methods.forEach(m -> md.append(" **").append(DevScores.percent(scores.get(m).meanScore())).append("** |"));
    md.append('\n');
    if (scores.containsKey(BamPipeline.MAJORITY)) {
      md.append("\n").append(style.majorityNote()).append('\n');
    }
    if (scores.containsKey(BamPipeline.BEST_CONSTANT)) {
      md.append("\n").append(BamPipeline.BEST_CONSTANT_NOTE).append('\n');
    }
    for (String m : methods) {
      md.append("\n### ").append(m).append("\n\n").append(scores.get(m).toMarkdown(style.scoreName()));
    }
    return md.toString();
  }

  /** The results as JSON: the recipe's name, each method's {@link DevScores#toJson(String)} and the seconds. */
  public String json(String recipeName, ResultsStyle style) {
    JsonObject root = new JsonObject();
    root.addProperty("preset", recipeName);
    JsonObject methods = new JsonObject();
    scores.forEach((m, s) -> methods.add(m, JsonParser.parseString(s.toJson(style.scoreKey()))));
    root.add("methods", methods);
    root.addProperty("seconds", seconds);
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }
}
