package io.github.bamjava.model;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import java.util.Set;

/**
 * Head factories by name. A saved model records each task's head by its registered name ({@link HeadSpec}), so
 * loading a model with a custom head needs a registry that has it ({@code BamModel.load(dir, manager,
 * registry)}). Immutable: {@link #with} returns a new registry.
 */
public final class HeadRegistry {

  /** The name of the paper's head ({@link Heads#forTask(io.github.bamjava.task.TaskKind, int, HeadOptions)}). */
  public static final String STANDARD = "linear";

  private static final HeadRegistry STANDARD_ONLY = new HeadRegistry(ImmutableMap.of(STANDARD, Heads::forTask));

  private final ImmutableMap<String, HeadFactory> factories;

  private HeadRegistry(ImmutableMap<String, HeadFactory> factories) {
    this.factories = factories;
  }

  /** The registry with the standard head only: what {@code BamModel.load(dir, manager)} uses. */
  public static HeadRegistry standard() {
    return STANDARD_ONLY;
  }

  /**
   * This registry with one more head.
   *
   * @param name letters, digits, '_', '-' or '.'; not {@link #STANDARD}, and not a name registered here with
   *     another factory
   */
  public HeadRegistry with(String name, HeadFactory factory) {
    checkName(name);
    requireNonNull(factory, "factory");
    HeadFactory existing = factories.get(name);
    if (existing == factory) {
      return this;
    }
    checkArgument(existing == null, "head '%s' is already registered%s", name,
        name.equals(STANDARD) ? " as the standard head" : " with another factory");
    return new HeadRegistry(ImmutableMap.<String, HeadFactory>builder().putAll(factories).put(name, factory)
        .buildOrThrow());
  }

  /** This registry with every head of {@code other} added. */
  public HeadRegistry withAll(HeadRegistry other) {
    HeadRegistry out = this;
    for (var e : other.factories.entrySet()) {
      out = out.with(e.getKey(), e.getValue());
    }
    return out;
  }

  /** Whether a head is registered under {@code name}. */
  public boolean has(String name) {
    return factories.containsKey(name);
  }

  /**
   * The factory registered under {@code name}.
   *
   * @throws IllegalArgumentException naming the head and the registered ones when there is none
   */
  public HeadFactory factory(String name) {
    HeadFactory f = factories.get(name);
    checkArgument(f != null, "head '%s' is not registered (registered: %s); register it with"
        + " HeadRegistry.standard().with(\"%s\", factory)", name, factories.keySet(), name);
    return f;
  }

  /** The registered names. */
  public Set<String> names() {
    return factories.keySet();
  }

  static void checkName(String name) {
    requireNonNull(name, "name");
    checkArgument(name.matches("[A-Za-z0-9_.-]+"), "head name '%s' must be letters, digits, '_', '-' or '.'",
        name);
  }

  @Override
  public String toString() {
    return "HeadRegistry" + factories.keySet();
  }
}
