package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The names of one kind of pluggable strategy (the task sampler, the annealing schedule, the loss, the
 * learning-rate schedule), as a task file, {@code --sampler} and the other command-line options write them:
 * {@code name} for a strategy without a parameter, {@code name:value} for one with a number
 * ({@code size-exponent:0.75}, {@code constant:0.5}). {@link Strategies} holds the library's.
 *
 * <p>A name is read back from a strategy by its description (the {@code describe()} every strategy has), since
 * that is the stable form a run key records; a strategy of one's own, which has no name here, is still usable in
 * code and recorded by its description.
 *
 * @param <T> the kind of strategy
 */
public final class StrategyNames<T> {

  /**
   * One name: either a fixed strategy, or a family with a number.
   *
   * @param name the name
   * @param parameter what the number is (shown in errors and help), or null for a fixed strategy
   * @param make the strategy of a number (for a fixed strategy, any number gives it)
   * @param description the description pattern of the family's strategies, its group 1 the number; for a fixed
   *     strategy, the exact description
   */
  private record Entry<T>(String name, String parameter, DoubleFunction<T> make, Pattern description) {
    String usage() {
      return parameter == null ? name : name + ":<" + parameter + ">";
    }
  }

  private final String kind;
  private final Function<T, String> describe;
  private final List<Entry<T>> entries = new ArrayList<>();

  private StrategyNames(String kind, Function<T, String> describe) {
    this.kind = kind;
    this.describe = describe;
  }

  /**
   * Names of a kind of strategy, described by {@code describe}; add them with {@link #fixed} and {@link #family}.
   *
   * @param kind the kind in messages, e.g. "sampler"
   */
  static <T> StrategyNames<T> of(String kind, Function<T, String> describe) {
    return new StrategyNames<>(requireNonNull(kind, "kind"), requireNonNull(describe, "describe"));
  }

  /** Adds a strategy without parameter under {@code name}. */
  StrategyNames<T> fixed(String name, T strategy) {
    requireNonNull(strategy, "strategy");
    entries.add(new Entry<>(name, null, x -> strategy, Pattern.compile(Pattern.quote(describe.apply(strategy)))));
    return this;
  }

  /**
   * Adds a family of strategies with one number, written {@code name:<parameter>}.
   *
   * @param descriptionPattern the regular expression of the family's descriptions, its group 1 the number
   */
  StrategyNames<T> family(String name, String parameter, DoubleFunction<T> make, String descriptionPattern) {
    entries.add(new Entry<>(name, requireNonNull(parameter, "parameter"), make, Pattern.compile(descriptionPattern)));
    return this;
  }

  /** The kind of strategy, as messages name it (e.g. "sampler"). */
  public String kind() {
    return kind;
  }

  /** Every name, families with their parameter (e.g. {@code uniform, proportional, size-exponent:<exponent>}). */
  public List<String> known() {
    return entries.stream().map(Entry::usage).toList();
  }

  /**
   * The strategy of a name.
   *
   * @throws IllegalArgumentException naming the value and listing the known names, for an unknown name, a missing
   *     or extra number or one the strategy refuses
   */
  public T parse(String text) {
    requireNonNull(text, "text");
    String trimmed = text.trim();
    int colon = trimmed.indexOf(':');
    String name = colon < 0 ? trimmed : trimmed.substring(0, colon);
    for (Entry<T> e : entries) {
      if (!e.name().equals(name)) {
        continue;
      }
      if (e.parameter() == null) {
        checkArgument(colon < 0, "%s '%s' takes no value; write %s", kind, trimmed, e.name());
        return e.make().apply(0);
      }
      checkArgument(colon >= 0, "%s '%s' needs a value: %s", kind, trimmed, e.usage());
      double value;
      try {
        value = Double.parseDouble(trimmed.substring(colon + 1));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(String.format("%s '%s': %s is not a number (%s)", kind, trimmed,
            trimmed.substring(colon + 1), e.usage()), ex);
      }
      try {
        return e.make().apply(value);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(kind + " '" + trimmed + "': " + ex.getMessage(), ex);
      }
    }
    throw new IllegalArgumentException(String.format("unknown %s '%s'; known: %s", kind, trimmed,
        String.join(", ", known())));
  }

  /** The name of a strategy, read off its description; empty for a strategy of one's own. */
  public Optional<String> nameOf(T strategy) {
    String description = describe.apply(requireNonNull(strategy, "strategy"));
    for (Entry<T> e : entries) {
      Matcher m = e.description().matcher(description);
      if (m.matches()) {
        return Optional.of(e.parameter() == null ? e.name() : e.name() + ":" + m.group(1));
      }
    }
    return Optional.empty();
  }

  /** The name of a strategy, or its description when it has none. */
  public String nameOrDescription(T strategy) {
    return nameOf(strategy).orElseGet(() -> describe.apply(strategy));
  }

  @Override
  public String toString() {
    return entries.stream().map(Entry::usage).collect(Collectors.joining(", ", kind + " names: ", ""));
  }
}
