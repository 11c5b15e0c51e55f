package io.github.bamjava.serving;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.nn.Block;
import ai.djl.translate.ArgumentsUtil;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Makes the {@link TaskTranslator} of one task of a saved BAM model, for DJL's {@code Criteria} and DJL Serving.
 *
 * <p>Arguments (from {@code Criteria.Builder.optArgument} or the model folder's {@code serving.properties}):
 * {@value #TASK}, the task to answer (optional when the model has one task), and {@value #MAX_LENGTH}, the
 * longest input in tokens (default {@value #DEFAULT_MAX_LENGTH}, or the encoder's positions when it has fewer).
 * The model's block must be a {@link ServableModel}, as the folder's {@code blockFactory} makes it.
 *
 * <p>Predictors of the model's other tasks share its weights: {@code model.newPredictor(new
 * BamTranslatorFactory().newInstance(TextPair.class, Float.class, model, Map.of("task", "STS-B")))}.
 */
public final class BamTranslatorFactory implements TranslatorFactory {

  /** The argument naming the task. */
  public static final String TASK = "task";
  /** The argument giving the longest input in tokens. */
  public static final String MAX_LENGTH = "maxLength";
  /** The longest input when {@value #MAX_LENGTH} is not given: {@code bam predict}'s default. */
  public static final int DEFAULT_MAX_LENGTH = 128;

  /** The (input, output) pairs of {@link TaskTranslator}; a task takes those that fit its kind. */
  @Override
  public Set<Pair<Type, Type>> getSupportedTypes() {
    Set<Pair<Type, Type>> types = new LinkedHashSet<>();
    for (Class<?> input : TaskTranslator.INPUT_TYPES) {
      for (Class<?> output : new Class<?>[] {Classifications.class, Float.class, Output.class}) {
        types.add(new Pair<>(input, output));
      }
    }
    return types;
  }

  /**
   * Always true: which types fit depends on the task, which is known only in {@link #newInstance}. Answering
   * false would make {@code Criteria} fall back to DJL's default factory, whose refusal lists that factory's
   * types; {@link #newInstance} refuses instead, naming the task and the types that fit it.
   */
  @Override
  public boolean isSupported(Class<?> input, Class<?> output) {
    return true;
  }

  /**
   * The translator of the task the arguments name.
   *
   * @throws IllegalArgumentException when the model is not a BAM model, the task is missing (and the model has
   *     several) or unknown, the types do not fit the task, or {@value #MAX_LENGTH} is not a valid length: the
   *     message names the value and what would fit
   */
  @Override
  public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model,
      Map<String, ?> arguments) {
    Block block = model.getBlock();
    checkArgument(block instanceof ServableModel, "model %s (%s) is not a BAM model: its block is %s; load a"
        + " model folder saved by BAM, whose serving.properties names the block factory that loads it",
        model.getName(), model.getModelPath(), block == null ? "missing" : block.getClass().getName());
    ServableModel served = (ServableModel) block;
    Object named = arguments.get(TASK);
    String task;
    if (named == null) {
      checkArgument(served.tasks().size() == 1, "model %s has several tasks %s: name one with the argument"
          + " '%s' (Criteria.Builder.optArgument(\"%s\", ...))", model.getModelPath(), served.tasks(), TASK, TASK);
      task = served.tasks().get(0);
    } else {
      task = named.toString();
    }
    int positions = served.network().encoder().config().maxPositionEmbeddings();
    int maxLength = arguments.containsKey(MAX_LENGTH) ? ArgumentsUtil.intValue(arguments, MAX_LENGTH)
        : Math.min(DEFAULT_MAX_LENGTH, positions);
    return TaskTranslator.of(served, task, input, output, maxLength);
  }
}
