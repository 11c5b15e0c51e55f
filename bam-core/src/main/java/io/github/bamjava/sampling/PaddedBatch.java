package io.github.bamjava.sampling;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.EncoderInputs;
import io.github.bamjava.text.EncodedPair;
import java.util.Arrays;
import java.util.List;

/**
 * Turns encodings into the encoder's inputs, padded to the longest sequence of the batch rather than to a fixed
 * maximum: GLUE sentences are far shorter than 128 tokens, so this is most of the available speed.
 */
public final class PaddedBatch {
  private PaddedBatch() {}

  /**
   * The positions a batch in few shapes computes for {@code tokens} tokens: a power of two up to {@code step},
   * beyond it a multiple of {@code step}; never more than {@code positions}, the batch's rows times its length.
   */
  public static int roundedTokens(int tokens, int step, int positions) {
    int rounded = tokens <= step ? (tokens <= 1 ? 1 : Integer.highestOneBit(tokens - 1) << 1)
        : (tokens + step - 1) / step * step;
    return Math.min(rounded, positions);
  }

  /**
   * The {@link EncoderInputs} of a training batch in one of a few shapes: every encoding a row, the length rounded
   * by {@link EncoderInputs#roundedLength} and the positions the per-token parts of the layers compute by {@link
   * #roundedTokens}. The tokens' results are those of {@link #inputs(NDManager, List, int, BertConfig)} (the
   * extra positions are padding, hidden by the mask), only the dropout draws fall elsewhere.
   *
   * <p>Why: every step allocates its activations and their gradients afresh, and a run whose batches each have
   * their own length and token count asks malloc for ever new sizes, which leave holes in its heaps that keep a
   * run's memory growing from task to task; with a few shapes the blocks are reused exactly.
   *
   * @param packedStep the step of {@link #roundedTokens}: the extra work is at most this many positions a batch
   */
  public static NDList inputsInFewShapes(NDManager manager, List<EncodedPair> encodings, int padId,
      BertConfig config, int packedStep) {
    checkArgument(!encodings.isEmpty(), "a batch needs at least one example");
    int longest = 0;
    int tokens = 0;
    for (EncodedPair e : encodings) {
      longest = Math.max(longest, e.length());
      tokens += e.length();
    }
    int rows = encodings.size();
    int seq = EncoderInputs.roundedLength(longest, config.maxSequenceLength());
    return inputs(manager, encodings, padId, config, rows, seq, roundedTokens(tokens, packedStep, rows * seq));
  }

  /**
   * The {@link EncoderInputs} of a batch: (ids, token types, attention mask), each INT64 [B, longest], padding
   * with id {@code padId} and mask 0, and the token packing. Every id is checked against the encoder's tables
   * here, on the host, so that the forward pass reads nothing back from the device.
   *
   * @param config the encoder's configuration: the sizes of its tables and its longest input
   * @throws IllegalArgumentException naming the table, the id and where it is, for an id the encoder has no
   *     vector for (a tokenizer that does not fit the encoder)
   */
  public static NDList inputs(NDManager manager, List<EncodedPair> encodings, int padId, BertConfig config) {
    checkArgument(!encodings.isEmpty(), "a batch needs at least one example");
    int seq = 0;
    for (EncodedPair e : encodings) {
      seq = Math.max(seq, e.length());
    }
    int batch = encodings.size();
    long[] ids = new long[batch * seq];
    long[] types = new long[batch * seq];
    long[] mask = new long[batch * seq];
    for (int b = 0; b < batch; b++) {
      EncodedPair e = encodings.get(b);
      int offset = b * seq;
      for (int s = 0; s < seq; s++) {
        if (s < e.length()) {
          ids[offset + s] = e.inputId(s);
          types[offset + s] = e.typeId(s);
          mask[offset + s] = 1;
        } else {
          ids[offset + s] = padId;
        }
      }
    }
    return EncoderInputs.of(manager, config, ids, types, mask, batch, seq);
  }

  /**
   * The {@link EncoderInputs} of a batch of a fixed shape: {@code rows} rows of {@code seq} positions, and
   * {@code packedTokens} positions computed by the per-token parts of the layers, whatever the encodings' lengths.
   * The encodings fill the first rows; each row after them holds one padding token (a placeholder whose output is
   * to be ignored); the positions computed are every token and, to make up {@code packedTokens}, padding positions
   * from the end of the batch backwards (hidden from attention by the mask, so they change no token's result).
   *
   * <p>Why: a process that predicts batch after batch then asks the allocator for blocks of the few sizes these
   * shapes make, which it hands back exactly, instead of ever new sizes that leave holes in its heaps.
   *
   * @param rows at least the number of encodings
   * @param seq at least the longest encoding
   * @param packedTokens between the tokens of the batch (the encodings' lengths, plus one per placeholder row)
   *     and {@code rows * seq}
   * @throws IllegalArgumentException as {@link #inputs(NDManager, List, int, BertConfig)}, and for a shape that
   *     does not hold the encodings
   */
  public static NDList inputs(NDManager manager, List<EncodedPair> encodings, int padId, BertConfig config,
      int rows, int seq, int packedTokens) {
    checkArgument(!encodings.isEmpty(), "a batch needs at least one example");
    checkArgument(rows >= encodings.size(), "a batch of %s rows cannot hold %s examples", rows, encodings.size());
    int size = rows * seq;
    long[] ids = new long[size];
    long[] types = new long[size];
    long[] mask = new long[size];
    Arrays.fill(ids, padId);
    int tokens = 0;
    for (int b = 0; b < rows; b++) {
      int offset = b * seq;
      if (b >= encodings.size()) {
        mask[offset] = 1;
        tokens++;
        continue;
      }
      EncodedPair e = encodings.get(b);
      checkArgument(e.length() <= seq, "an example of %s tokens does not fit a batch of %s positions", e.length(),
          seq);
      for (int s = 0; s < e.length(); s++) {
        ids[offset + s] = e.inputId(s);
        types[offset + s] = e.typeId(s);
        mask[offset + s] = 1;
      }
      tokens += e.length();
    }
    checkArgument(packedTokens >= tokens && packedTokens <= size,
        "a batch of %s tokens in %s x %s positions cannot be packed into %s", tokens, rows, seq, packedTokens);
    long[] packed = mask.clone();
    for (int i = size - 1, extra = packedTokens - tokens; extra > 0; i--) {
      if (packed[i] == 0) {
        packed[i] = 1;
        extra--;
      }
    }
    return EncoderInputs.of(manager, config, ids, types, mask, packed, rows, seq);
  }
}
