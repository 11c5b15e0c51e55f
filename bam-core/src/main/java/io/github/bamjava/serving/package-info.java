/**
 * A saved model as a DJL model: the block that holds its one copy of the weights ({@link
 * io.github.bamjava.serving.ServableModel}) and a translator per task ({@link
 * io.github.bamjava.serving.TaskTranslator}, made by {@link io.github.bamjava.serving.BamTranslatorFactory}), so that
 * {@code Criteria.builder().optModelPath(dir)} and DJL Serving load what BAM trains.
 */
package io.github.bamjava.serving;
