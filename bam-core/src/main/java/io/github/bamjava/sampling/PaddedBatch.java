package io.github.bamjava.sampling;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.text.Encoding;
import java.util.List;

/**
 * Turns encodings into the encoder's inputs, padded to the longest sequence of the batch rather than to a fixed
 * maximum: GLUE sentences are far shorter than 128 tokens, so this is most of the available speed.
 */
public final class PaddedBatch {
  private PaddedBatch() {}

  /** (ids, token types, attention mask), each INT64 [B, longest]; padding has id {@code padId} and mask 0. */
  public static NDList inputs(NDManager manager, List<Encoding> encodings, int padId) {
    checkArgument(!encodings.isEmpty(), "a batch needs at least one example");
    int seq = 0;
    for (Encoding e : encodings) {
      seq = Math.max(seq, e.length());
    }
    int batch = encodings.size();
    long[] ids = new long[batch * seq];
    long[] types = new long[batch * seq];
    long[] mask = new long[batch * seq];
    for (int b = 0; b < batch; b++) {
      Encoding e = encodings.get(b);
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
    Shape shape = new Shape(batch, seq);
    return new NDList(manager.create(ids, shape), manager.create(types, shape), manager.create(mask, shape));
  }
}
