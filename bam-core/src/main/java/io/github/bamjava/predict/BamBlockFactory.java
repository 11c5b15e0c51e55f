package io.github.bamjava.predict;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import io.github.bamjava.model.HeadRegistry;
import io.github.bamjava.serving.ServableModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Loads a saved model folder as the block of a DJL {@link Model}: what {@code Criteria.builder().optModelPath(dir)}
 * and DJL Serving call, through the {@code blockFactory} line of the folder's {@code serving.properties}.
 *
 * <p>The weights are read as {@link BamModel#load} reads them, with all its checks, into the DJL model's own
 * manager; the tokenizer is attached to that manager too, so closing the model frees both.
 */
public final class BamBlockFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  /** Not serialisable; a deserialised factory (DJL never serialises one) knows the standard heads. */
  private final transient HeadRegistry heads;

  /** A factory for models whose heads are all standard ones: what DJL makes from {@code serving.properties}. */
  public BamBlockFactory() {
    this(HeadRegistry.standard());
  }

  /**
   * A factory for models with custom heads, passed as an object argument: {@code
   * Criteria.builder().optArgument("blockFactory", new BamBlockFactory(registry))}.
   *
   * @param heads the factories of the heads the model was trained with
   */
  public BamBlockFactory(HeadRegistry heads) {
    this.heads = heads;
  }

  /**
   * The model in {@code modelPath} as a {@link ServableModel}.
   *
   * @throws IllegalArgumentException when the folder is not a saved model, or its weights do not fit its tasks
   *     (named as {@link BamModel#load} names them)
   * @throws IOException when a file cannot be read
   */
  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) throws IOException {
    BamModel bam = BamModel.load(modelPath, model.getNDManager(), heads == null ? HeadRegistry.standard() : heads);
    model.getNDManager().attachInternal("bam-tokenizer-" + UUID.randomUUID(), bam.tokenizer());
    Map<String, ServableModel.ServedTask> tasks = new LinkedHashMap<>();
    for (String task : bam.tasks()) {
      tasks.put(task, new ServableModel.ServedTask(bam.kind(task), bam.inputs(task)));
    }
    return new ServableModel(bam.network(), bam.tokenizer(), tasks);
  }
}
