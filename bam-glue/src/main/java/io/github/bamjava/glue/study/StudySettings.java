package io.github.bamjava.glue.study;

import io.github.bamjava.task.TrainCap;
import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Strategies;
import io.github.bamjava.sampling.TaskSampler;

/**
 * The budget and hyper-parameters of a study: a {@link Preset}, shared by every method so that a difference
 * between two rows of the results is the difference between the methods, and how many dev examples each task is
 * scored on. Single-task methods train with the preset's teacher stage, multi-task methods with its student
 * stage, fine-tuning with its fine-tuning stage; the ablations change one setting of the preset.
 *
 * @param preset the training budget and hyper-parameters
 * @param devCap the most dev examples a task is scored on, drawn at random with the preset's seed
 */
public record StudySettings(Preset preset, int devCap) {

  /**
   * The documented study: the {@link Preset#LEARNING} preset with the paper's heads ([CLS] + pooler, sigmoid),
   * scored on glue-lite's whole dev sets. The preset's own heads changed after the study had begun, on the
   * study's head comparison; the study keeps the heads it started with, so that every seed is one experiment.
   */
  public static final StudySettings LEARNING =
      new StudySettings(Preset.LEARNING.withRecipe(Preset.LEARNING.recipe().withHeads(HeadOptions.DEFAULT)), 1000);

  public StudySettings {
    requireNonNull(preset, "preset");
    checkArgument(devCap >= 1, "dev cap must be >= 1, got %s", devCap);
  }

  /**
   * These settings as study.json records them: the preset as one object, the recipe's fields with the training
   * budget after the max length, as studies begun before the recipe was a part of its own wrote them (a study
   * refuses a launch whose settings read differently). The sampler is its {@code taskExponent} where it is one;
   * the strategies added to the recipe later are written only where they are not the paper's, so that the
   * description of a study begun before them reads as it did.
   */
  public JsonObject toJson() {
    Gson gson = new Gson();
    Recipe r = preset.recipe();
    JsonObject flat = new JsonObject();
    flat.addProperty("name", r.name());
    flat.add("teacher", gson.toJsonTree(r.teacher()));
    flat.add("student", gson.toJsonTree(r.student()));
    flat.add("finetune", gson.toJsonTree(r.finetune()));
    flat.addProperty("maxLength", r.maxLength());
    flat.add("trainBudget", gson.toJsonTree(preset.trainBudget()));
    flat.addProperty("layerDecay", r.layerDecay());
    if (r.sampler() instanceof TaskSampler.SizeExponent e) {
      flat.addProperty("taskExponent", e.exponent());
    } else {
      flat.addProperty("sampler", Strategies.SAMPLER.nameOrDescription(r.sampler()));
    }
    flat.add("heads", gson.toJsonTree(r.heads()));
    flat.addProperty("biasCorrection", r.biasCorrection());
    Recipe paper = Recipe.PAPER;
    if (!r.annealing().describe().equals(paper.annealing().describe())) {
      flat.addProperty("annealing", Strategies.ANNEALING.nameOrDescription(r.annealing()));
    }
    if (!r.loss().describe().equals(paper.loss().describe())) {
      flat.addProperty("loss", Strategies.LOSS.nameOrDescription(r.loss()));
    }
    if (!r.schedule().describe().equals(paper.schedule().describe())) {
      flat.addProperty("schedule", Strategies.SCHEDULE.nameOrDescription(r.schedule()));
    }
    if (r.bucketByLength() != null) {
      flat.addProperty("bucketByLength", r.bucketByLength());
    }
    JsonObject json = new JsonObject();
    json.add("preset", flat);
    json.addProperty("devCap", devCap);
    return json;
  }

  /** The choice of every task's scored dev examples. */
  public TrainCap devSelection() {
    return TrainCap.random(devCap, Preset.CAP_SEED);
  }
}
