package io.github.bamjava.internal.sampling;

/**
 * An example picked for a batch: its task's position in the trainer's task list and its index in that task's
 * training examples.
 */
public record ExampleRef(int task, int index) {}
