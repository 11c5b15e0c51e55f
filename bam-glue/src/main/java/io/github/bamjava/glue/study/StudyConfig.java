package io.github.bamjava.glue.study;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.glue.TrainBudget;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Strategies;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.task.TrainCap;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@link Study} is, as one immutable value: the GLUE data and where the study writes, how every model
 * trains (a {@link PipelineSettings}: the encoder, the recipe shared by every method so that a difference between
 * two rows of the results is the difference between the methods, the device and precision), how many training and
 * dev examples each task keeps, and the seeds, tasks and methods. Single-task methods train with the recipe's
 * teacher stage, multi-task methods with its student stage, fine-tuning with its fine-tuning stage; an ablation
 * changes one setting of the recipe ({@link StudyMethod#recipe}). Start from {@link #of} and change it with the
 * {@code with…} methods.
 *
 * @param glueDir the GLUE directory
 * @param outputDir where the study writes
 * @param pipeline how every model trains; its seed, teachers per task and fine-tuning are not used (the study's
 *     seeds and methods say them)
 * @param trainBudget how many training examples each task keeps
 * @param devCap the most dev examples a task is scored on, drawn at random with the presets' seed
 * @param seeds the seeds every method runs with
 * @param glueTasks the GLUE tasks, in GLUE's order; empty for every task in the directory but WNLI
 * @param methods the methods to run, with the teachers and starting points they need
 * @param keepModels whether every job's model is kept (else only those other jobs start from)
 * @param drawPerSeed whether each seed draws each task's training examples with the seed (the budget's draws with
 *     the seed instead of the presets' seed), so that seeds replicate the data as well as the optimisation; tasks
 *     that keep all their examples are the same for every seed either way
 */
public record StudyConfig(Path glueDir, Path outputDir, PipelineSettings pipeline, TrainBudget trainBudget,
    int devCap, List<Long> seeds, Set<GlueTask> glueTasks, Set<StudyMethod> methods, boolean keepModels,
    boolean drawPerSeed) {

  /**
   * The documented study's recipe: {@link Recipe#LEARNING} with the paper's heads ([CLS] + pooler, sigmoid). The
   * preset's own heads changed after the study had begun, on the study's head comparison; the study keeps the
   * heads it started with, so that every seed is one experiment.
   */
  public static final Recipe LEARNING_RECIPE = Recipe.LEARNING.withHeads(HeadOptions.DEFAULT);

  /** Checks that every part is there and copies the lists and sets, keeping the sets' enum order. */
  public StudyConfig {
    requireNonNull(glueDir, "glueDir");
    requireNonNull(outputDir, "outputDir");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(trainBudget, "trainBudget");
    checkArgument(devCap >= 1, "dev cap must be >= 1, got %s", devCap);
    seeds = List.copyOf(seeds);
    checkArgument(!seeds.isEmpty(), "a study needs at least one seed");
    EnumSet<GlueTask> tasks = EnumSet.noneOf(GlueTask.class);
    tasks.addAll(glueTasks);
    glueTasks = Collections.unmodifiableSet(tasks);
    EnumSet<StudyMethod> chosen = EnumSet.noneOf(StudyMethod.class);
    chosen.addAll(methods);
    methods = Collections.unmodifiableSet(chosen);
  }

  /**
   * The documented study on {@code glueDir} into {@code outputDir}: {@link #LEARNING_RECIPE} on the embedded
   * MiniLM with {@link Preset#LEARNING}'s training budget, scored on at most 1,000 dev examples a task (glue-lite's
   * whole dev sets), seeds 1, 2 and 3, every task but WNLI, every method.
   */
  public static StudyConfig of(Path glueDir, Path outputDir) {
    return new StudyConfig(glueDir, outputDir, PipelineSettings.DEFAULT.withRecipe(LEARNING_RECIPE),
        Preset.LEARNING.trainBudget(), 1000, List.of(1L, 2L, 3L), Set.of(), EnumSet.allOf(StudyMethod.class), false,
        false);
  }

  /** This study with other training settings. */
  public StudyConfig withPipeline(PipelineSettings settings) {
    return new StudyConfig(glueDir, outputDir, settings, trainBudget, devCap, seeds, glueTasks, methods, keepModels,
        drawPerSeed);
  }

  /** This study with a preset's recipe and training budget. */
  public StudyConfig withPreset(Preset preset) {
    return withPipeline(pipeline.withRecipe(preset.recipe())).withTrainBudget(preset.trainBudget());
  }

  /** This study starting every method from another pretrained encoder. */
  public StudyConfig withEncoder(EncoderSource encoder) {
    return withPipeline(pipeline.withEncoder(encoder));
  }

  /** This study with another training budget. */
  public StudyConfig withTrainBudget(TrainBudget budget) {
    return new StudyConfig(glueDir, outputDir, pipeline, budget, devCap, seeds, glueTasks, methods, keepModels,
        drawPerSeed);
  }

  /** This study scoring each task on at most {@code cap} dev examples. */
  public StudyConfig withDevCap(int cap) {
    return new StudyConfig(glueDir, outputDir, pipeline, trainBudget, cap, seeds, glueTasks, methods, keepModels,
        drawPerSeed);
  }

  /** This study with other seeds. */
  public StudyConfig withSeeds(List<Long> s) {
    return new StudyConfig(glueDir, outputDir, pipeline, trainBudget, devCap, s, glueTasks, methods, keepModels,
        drawPerSeed);
  }

  /** This study on other GLUE tasks (none: every task in the directory but WNLI). */
  public StudyConfig withTasks(Iterable<GlueTask> tasks) {
    EnumSet<GlueTask> set = EnumSet.noneOf(GlueTask.class);
    tasks.forEach(set::add);
    return new StudyConfig(glueDir, outputDir, pipeline, trainBudget, devCap, seeds, set, methods, keepModels,
        drawPerSeed);
  }

  /**
   * This study running {@code chosen}; the teachers of a chosen method and the method it starts from are added,
   * since it cannot run without them.
   */
  public StudyConfig withMethods(Iterable<StudyMethod> chosen) {
    EnumSet<StudyMethod> set = EnumSet.noneOf(StudyMethod.class);
    chosen.forEach(set::add);
    for (StudyMethod m : List.copyOf(set)) {
      for (StudyMethod dep = m; dep != null; dep = dep.teacher() != null ? dep.teacher() : dep.startsFrom()) {
        set.add(dep);
      }
    }
    return new StudyConfig(glueDir, outputDir, pipeline, trainBudget, devCap, seeds, glueTasks, set, keepModels,
        drawPerSeed);
  }

  /** This study keeping every job's model, or only those other jobs start from. */
  public StudyConfig withKeepModels(boolean keep) {
    return new StudyConfig(glueDir, outputDir, pipeline, trainBudget, devCap, seeds, glueTasks, methods, keep,
        drawPerSeed);
  }

  /** This study with each seed drawing its own training examples, or every seed training on one draw. */
  public StudyConfig withDrawPerSeed(boolean perSeed) {
    return new StudyConfig(glueDir, outputDir, pipeline, trainBudget, devCap, seeds, glueTasks, methods, keepModels,
        perSeed);
  }

  /** The choice of every task's scored dev examples. */
  public TrainCap devSelection() {
    return TrainCap.random(devCap, Preset.CAP_SEED);
  }

  /**
   * The training settings as study.json records them: the recipe as one object ({@code preset}), its fields
   * with the training budget after the max length, as studies begun before the recipe was a part of its own wrote
   * them (a study refuses a launch whose settings read differently), then {@code devCap}. The sampler is its
   * {@code taskExponent} where it is one; the strategies added to the recipe later are written only where they are
   * not the paper's, so that the description of a study begun before them reads as it did.
   */
  public JsonObject settingsJson() {
    Gson gson = new Gson();
    Recipe r = pipeline.recipe();
    JsonObject flat = new JsonObject();
    flat.addProperty("name", r.name());
    flat.add("teacher", gson.toJsonTree(r.teacher()));
    flat.add("student", gson.toJsonTree(r.student()));
    flat.add("finetune", gson.toJsonTree(r.finetune()));
    flat.addProperty("maxLength", r.maxLength());
    flat.add("trainBudget", gson.toJsonTree(trainBudget));
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
    if (r.temperature() != paper.temperature()) {
      flat.addProperty("temperature", r.temperature());
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
}
