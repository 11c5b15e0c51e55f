package io.github.bamjava.sampling;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.EncoderInputs;
import io.github.bamjava.text.EncodedPair;
import java.util.List;

/**
 * Turns encodings into the encoder's inputs, padded to the longest sequence of the batch rather than to a fixed
 * maximum: GLUE sentences are far shorter than 128 tokens, so this is most of the available speed.
 */
public final class PaddedBatch {
  private PaddedBatch() {}

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
}
