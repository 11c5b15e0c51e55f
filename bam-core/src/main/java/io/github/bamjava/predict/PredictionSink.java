package io.github.bamjava.predict;

import io.github.bamjava.task.Example;
import java.io.IOException;
import java.util.List;

/**
 * Where a streaming prediction ({@link BamModel#predict(String, java.util.Iterator, int, PredictionSink)}) hands
 * its outputs: a window of consecutive examples at a time, in input order, as soon as the window is predicted, so
 * that a caller can write and flush them and memory stays flat in the input's size.
 */
@FunctionalInterface
public interface PredictionSink {

  /**
   * Takes the outputs of the next examples of the input.
   *
   * @param examples the next examples, in input order
   * @param outputs each example's output, as {@link BamModel#predict(String, List, int)} gives it
   * @throws IOException when the outputs cannot be written; the prediction stops and rethrows it
   */
  void accept(List<Example> examples, float[][] outputs) throws IOException;
}
