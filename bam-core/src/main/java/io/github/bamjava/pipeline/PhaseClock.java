package io.github.bamjava.pipeline;

import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.EncoderFlops;
import io.github.bamjava.internal.io.ResidentMemory;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.text.PairTokenizer;
import io.github.bamjava.text.Tokenizers;
import io.github.bamjava.train.EpochResult;
import io.github.bamjava.train.RunInfo;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.StepInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Times the phases of one pipeline run in this process ({@link BamPipeline}) and counts their work: the tokens of
 * every training step, heard through a {@link RunListener} on each training; the tokens a prediction pass or the
 * dev evaluation went through, counted afterwards with the model's tokenizer (outside the phase's time). The shards of
 * a large training set's predictions count in that teacher's one predictions phase.
 */
final class PhaseClock {

  private final int maxLength;
  private final Optional<EncoderFlops> flops;
  private final List<PhaseTiming> phases = new ArrayList<>();
  /** The training phase running now, or null: its listener adds to it. */
  private StepCount training;
  /** Seconds spent on each teacher's prediction shards so far: its predictions phase includes them. */
  private final Map<String, Double> shardSeconds = new HashMap<>();

  /** The clock of a run under {@code settings}; operations are estimated from its encoder's shape when known. */
  PhaseClock(PipelineSettings settings) {
    this.maxLength = settings.recipe().maxLength();
    Optional<BertConfig> config;
    try {
      config = settings.encoder().config();
    } catch (IOException | RuntimeException e) {
      config = Optional.empty(); // the timings go without operation counts; the run reports its own errors
    }
    this.flops = config.map(EncoderFlops::new);
  }

  /** The listener that counts the steps of a training unit's run (for {@link PipelineWork#withListeners}). */
  List<RunListener> listeners(PipelineUnit unit) {
    return predicts(unit) ? List.of() : List.of(new RunListener() {
      @Override
      public void onTrainingStart(RunInfo run) {
        if (training != null) {
          training.lastStep = System.nanoTime();
        }
      }

      @Override
      public void onStep(StepInfo step) {
        if (training != null) {
          training.add(step);
        }
      }

      @Override
      public void onEpochEnd(EpochResult epoch) {
        if (training != null) {
          training.devNanos += System.nanoTime() - training.lastStep;
        }
      }
    });
  }

  /** Does {@code unit} through {@code work}, whose listeners must be this clock's, timing it. */
  void run(PipelineWork work, PipelineUnit unit) throws IOException {
    boolean reused = work.pending(unit).isEmpty();
    long started = System.nanoTime();
    training = new StepCount();
    StepCount steps = training;
    try {
      work.run(unit);
    } finally {
      training = null;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (unit.kind() == PipelineUnit.Kind.SHARD) {
      shardSeconds.merge(unit.memberName(), seconds, Double::sum);
      return;
    }
    if (unit.kind() != PipelineUnit.Kind.PREDICTIONS) {
      add(name(unit), seconds, Math.min(seconds, steps.devNanos / 1e9), steps.examples, steps.tokens,
          flops.isPresent() ? steps.flops : Double.NaN, reused);
      return;
    }
    seconds += Optional.ofNullable(shardSeconds.remove(unit.memberName())).orElse(0.0);
    Task task = task(work, unit.task());
    long[] count = reused ? new long[3]
        : count(work.modelDir(PipelineUnit.teacher(unit.task(), unit.member())), task.train(), 1);
    add(name(unit), seconds, 0, count[0], count[1], forward(count), reused);
  }

  /**
   * Writes the run's results ({@link PipelineWork#results}), timing the dev evaluation of every method apart from
   * the final step.
   */
  PipelineResult results(PipelineWork work, ResultsStyle style, FinalStep finalStep, double seconds)
      throws IOException {
    long[] finalNanos = new long[1];
    FinalStep timed = models -> {
      long started = System.nanoTime();
      try {
        return finalStep.run(models);
      } finally {
        finalNanos[0] = System.nanoTime() - started;
      }
    };
    long started = System.nanoTime();
    PipelineResult result = work.results(style, timed, seconds);
    double all = (System.nanoTime() - started) / 1e9;
    // Every method but the baselines (which see no text) predicts every dev set once.
    int predicting = (int) result.scores().keySet().stream()
        .filter(m -> !m.equals(BamPipeline.MAJORITY) && !m.equals(BamPipeline.BEST_CONSTANT)).count();
    long[] count = count(work.modelDir(PipelineUnit.student()), devExamples(work), predicting);
    add("evaluation", Math.max(0, all - finalNanos[0] / 1e9), 0, count[0], count[1], forward(count), false);
    if (finalStep != FinalStep.NONE) {
      add("final step", finalNanos[0] / 1e9, 0, 0, 0, Double.NaN, false);
    }
    return result;
  }

  /** The phases timed so far. */
  PhaseTimings timings() {
    return new PhaseTimings(phases);
  }

  private void add(String name, double seconds, double devSeconds, long examples, long tokens, double ops,
      boolean reused) {
    phases.add(new PhaseTiming(name, seconds, devSeconds, examples, tokens, ops, reused,
        ResidentMemory.currentBytes(), ResidentMemory.peakBytes()));
  }

  private double forward(long[] count) {
    return flops.map(f -> f.forward(count[1], count[2])).orElse(Double.NaN);
  }

  /** Whether {@code unit} predicts rather than trains: a predictions file, or one shard of it. */
  private static boolean predicts(PipelineUnit unit) {
    return unit.kind() == PipelineUnit.Kind.PREDICTIONS || unit.kind() == PipelineUnit.Kind.SHARD;
  }

  private static String name(PipelineUnit unit) {
    return switch (unit.kind()) {
      case TEACHER -> "teacher " + unit.memberName();
      case PREDICTIONS, SHARD -> "predictions " + unit.memberName();
      case STUDENT -> "student";
      case FINETUNE -> "fine-tune " + unit.task();
    };
  }

  private static Task task(PipelineWork work, String name) {
    return work.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().task();
  }

  private static List<Example> devExamples(PipelineWork work) {
    List<Example> all = new ArrayList<>();
    for (PipelineTask t : work.tasks()) {
      all.addAll(t.task().dev());
      t.otherDev().values().forEach(all::addAll);
    }
    return all;
  }

  /**
   * Examples, tokens and squared lengths of {@code examples} as the model in {@code modelDir} tokenizes them,
   * each {@code times} times over.
   */
  private long[] count(Path modelDir, List<Example> examples, int times) throws IOException {
    long[] count = new long[3];
    try (PairTokenizer tokenizer = Tokenizers.fromDirectory(modelDir)) {
      for (Example e : examples) {
        long length = tokenizer.encode(e.textA(), e.textB(), maxLength).length();
        count[0]++;
        count[1] += length;
        count[2] += length * length;
      }
    }
    for (int i = 0; i < 3; i++) {
      count[i] *= times;
    }
    return count;
  }

  /** What a training's steps have done so far, and the time its dev evaluations took. */
  private final class StepCount {
    long examples;
    long tokens;
    double flops;
    long devNanos;
    long lastStep = System.nanoTime();

    void add(StepInfo step) {
      examples += step.examples();
      tokens += step.tokens();
      PhaseClock.this.flops.ifPresent(
          f -> flops += EncoderFlops.TRAINING_PASSES * f.forwardOfBatch(step.tokens(), step.examples()));
      lastStep = System.nanoTime();
    }
  }
}
