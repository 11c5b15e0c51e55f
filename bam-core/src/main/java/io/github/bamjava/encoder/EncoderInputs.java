package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch's inputs to {@link BertEncoder}, made on the host where the batch is built: every id is checked
 * against its embedding table and the token packing (which rows are real tokens) is computed from the mask
 * there, so that the forward pass never waits for a value to come back from the device (on a GPU each such
 * read stalls the queue of kernels).
 *
 * <p>The arrays: input ids, token type ids and attention mask, each INT64 [B, S], then the two arrays of the
 * token packing ({@link TokenPacking}): the row of each real token [T] and, for each of the B·S positions, its
 * row among the real tokens [B·S], both empty when nothing is padding; then, for a batch whose rows differ
 * enough in length, the arrays of its attention groups ({@link AttentionGroups}). {@link BertEncoder} takes
 * these, or the first three alone, in which case it checks the ids and reads the mask back on the device.
 */
public final class EncoderInputs {

  private EncoderInputs() {}

  /**
   * The input arrays of a batch of {@code batch} rows of {@code seq} positions, row-major.
   *
   * @param ids the vocabulary id of each position, padding included
   * @param typeIds the segment of each position
   * @param mask 1 for a token, 0 for padding
   * @throws IllegalArgumentException naming the table, the value, the row and the position of the first id that
   *     does not fit its embedding table, or the length when it exceeds the encoder's positions
   *     ({@link BertConfig#maxSequenceLength})
   */
  public static NDList of(NDManager manager, BertConfig config, long[] ids, long[] typeIds, long[] mask,
      int batch, int seq) {
    return of(manager, config, ids, typeIds, mask, mask, batch, seq);
  }

  /**
   * As {@link #of(NDManager, BertConfig, long[], long[], long[], int, int)}, with the positions that the
   * per-token parts of the layers compute given apart from the mask: every token, and any padding positions
   * besides. Why: a caller that runs many batches can then keep the packed size of its batches to a few values,
   * so that their activations take memory blocks of a few sizes, which the allocator reuses exactly. A padding
   * position in {@code packed} is computed like a token but stays hidden from attention by the mask, so the
   * tokens' results do not change; its own result is never read.
   *
   * @param packed non-zero for each position to compute; must include every position where {@code mask} is 1
   * @throws IllegalArgumentException as the other form, and for a token position that {@code packed} leaves out
   */
  public static NDList of(NDManager manager, BertConfig config, long[] ids, long[] typeIds, long[] mask,
      long[] packed, int batch, int seq) {
    requireNonNull(config, "config");
    long size = (long) batch * seq;
    checkArgument(batch >= 1 && seq >= 1, "a batch needs at least one row and one position, got %s x %s", batch,
        seq);
    checkArgument(ids.length == size && typeIds.length == size && mask.length == size,
        "%s x %s inputs need %s ids, type ids and mask values, got %s, %s and %s", batch, seq, size, ids.length,
        typeIds.length, mask.length);
    checkArgument(packed.length == size, "%s x %s inputs need %s packing flags, got %s", batch, seq, size,
        packed.length);
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] != 0 && packed[i] == 0) {
        throw new IllegalArgumentException(String.format("the token at row %s, position %s is left out of the"
            + " packing", i / seq, i % seq));
      }
    }
    checkArgument(seq <= config.maxSequenceLength(), "%s", config.tooLong(seq));
    checkIds("word_embeddings", "input id", ids, config.vocabSize(), seq);
    // DistilBERT has no token types: its embeddings ignore them, whatever the tokenizer's layout gave.
    if (config.architecture().hasTokenTypes()) {
      checkIds("token_type_embeddings", "token type id", typeIds, config.typeVocabSize(), seq);
    }
    long[][] packing = TokenPacking.rowsOf(packed);
    Shape shape = new Shape(batch, seq);
    NDList inputs = new NDList(manager.create(ids, shape), manager.create(typeIds, shape),
        manager.create(mask, shape), manager.create(packing == null ? new long[0] : packing[0]),
        manager.create(packing == null ? new long[0] : packing[1]));
    if (packing != null) {
      inputs.addAll(AttentionGroups.plan(manager, mask, packing[1], packing[0].length, batch, seq));
    }
    return inputs;
  }

  /**
   * A batch padded in a few fixed shapes has its length rounded up to a multiple of this ({@link
   * #roundedLength}): 8 positions cost a short batch little and leave at most 16 lengths up to 128.
   */
  public static final int LENGTH_STEP = 8;

  /**
   * The padded length of a batch (or a group of its rows) whose longest row has {@code length} tokens, in a few
   * fixed shapes: rounded up to a multiple of {@link #LENGTH_STEP}, but not beyond {@code longest} (the longest
   * input allowed), and never below {@code length}.
   */
  public static int roundedLength(int length, int longest) {
    return Math.max(length, Math.min((length + LENGTH_STEP - 1) / LENGTH_STEP * LENGTH_STEP, longest));
  }

  private static void checkIds(String table, String what, long[] ids, int rows, int seq) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= rows) {
        throw new IllegalArgumentException(String.format("%s %s at row %s, position %s is outside %s, which has"
            + " %s rows [0, %s): the tokenizer does not fit the encoder", what, ids[i], i / seq, i % seq, table,
            rows, rows));
      }
    }
  }
}
