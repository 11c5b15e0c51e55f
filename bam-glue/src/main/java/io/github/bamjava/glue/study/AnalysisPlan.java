package io.github.bamjava.glue.study;

import static io.github.bamjava.glue.study.StudyMethod.BAM;
import static io.github.bamjava.glue.study.StudyMethod.BAM_FINETUNED;
import static io.github.bamjava.glue.study.StudyMethod.BAM_GOLD_EPOCH;
import static io.github.bamjava.glue.study.StudyMethod.LAMBDA_HALF;
import static io.github.bamjava.glue.study.StudyMethod.LAMBDA_ZERO;
import static io.github.bamjava.glue.study.StudyMethod.MULTI;
import static io.github.bamjava.glue.study.StudyMethod.MULTI_FINETUNED;
import static io.github.bamjava.glue.study.StudyMethod.MULTI_MULTI;
import static io.github.bamjava.glue.study.StudyMethod.NO_LAYERWISE_LR;
import static io.github.bamjava.glue.study.StudyMethod.NO_TASK_SAMPLING;
import static io.github.bamjava.glue.study.StudyMethod.SINGLE;
import static io.github.bamjava.glue.study.StudyMethod.SINGLE_SINGLE;

import java.util.ArrayList;
import java.util.List;

/**
 * The study's analysis plan, fixed before its confirmatory runs (docs/study/plan.md): which comparisons are
 * primary, in which Holm family, and which way the paper says each goes. {@link PlanReport} computes exactly
 * this, with the stricter families beside it. A change here is a change of the plan: docs/study/plan.md lists
 * it with its date and reason.
 */
final class AnalysisPlan {

  private AnalysisPlan() {}

  /**
   * A planned comparison, A − B on the 7-task average.
   *
   * @param paperSign +1 where the paper reports A ahead of B, −1 where behind
   */
  record Planned(StudyMethod a, StudyMethod b, int paperSign) {}

  /**
   * A Holm family of the plan.
   *
   * @param id the plan's name for it (P1 ... P5)
   * @param perSeedDraws whether it is tested in a study whose seeds draw their own training examples (P2), or in
   *     one whose seeds share one draw (the others)
   */
  record Family(String id, String title, boolean perSeedDraws, List<Planned> comparisons) {}

  private static Planned ahead(StudyMethod a, StudyMethod b) {
    return new Planned(a, b, +1);
  }

  private static Planned behind(StudyMethod a, StudyMethod b) {
    return new Planned(a, b, -1);
  }

  private static final List<Planned> MAIN = List.of(ahead(BAM, SINGLE), ahead(BAM, MULTI), ahead(MULTI, SINGLE));

  static final Family P1 = new Family("P1", "main comparison, fixed training subsets", false, MAIN);
  static final Family P2 = new Family("P2", "main comparison over data draws", true, MAIN);
  static final Family P3 = new Family("P3", "born-again", false, List.of(ahead(BAM, SINGLE_SINGLE),
      ahead(BAM, MULTI_MULTI), ahead(SINGLE_SINGLE, SINGLE), ahead(MULTI_MULTI, MULTI)));
  static final Family P4 = new Family("P4", "ablations", false, List.of(behind(NO_LAYERWISE_LR, BAM),
      behind(NO_TASK_SAMPLING, BAM), behind(LAMBDA_ZERO, BAM), behind(LAMBDA_HALF, BAM)));
  static final Family P5 = new Family("P5", "fine-tuning and its compute-matched control", false, List.of(
      ahead(BAM_FINETUNED, BAM), ahead(BAM_FINETUNED, BAM_GOLD_EPOCH), ahead(BAM_GOLD_EPOCH, BAM),
      ahead(MULTI_FINETUNED, MULTI)));

  /** The plan's families, in its order. */
  static final List<Family> FAMILIES = List.of(P1, P2, P3, P4, P5);

  /** Whether a family's comparison is in S1, the paper's Table 1 and 3 rows as one family. */
  static boolean inTableOne(Family family, Planned c) {
    return family == P1 || family == P3 || family == P5 && (c.equals(P5.comparisons().get(0))
        || c.equals(P5.comparisons().get(3)));
  }

  /** The families tested in a study whose seeds draw their training examples as {@code perSeedDraws} says. */
  static List<Family> familiesOf(boolean perSeedDraws) {
    List<Family> out = new ArrayList<>();
    FAMILIES.stream().filter(f -> f.perSeedDraws() == perSeedDraws).forEach(out::add);
    return out;
  }
}
