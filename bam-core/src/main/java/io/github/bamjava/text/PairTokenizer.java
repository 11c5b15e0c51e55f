package io.github.bamjava.text;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns a sentence or a sentence pair into BERT input ids: {@code [CLS] a [SEP]} for a single sentence,
 * {@code [CLS] a [SEP] b [SEP]} for a pair.
 *
 * <p>Sequences longer than {@code maxLength} (special tokens included) are cut longest-first, exactly as
 * HuggingFace {@code tokenizers} does with {@code truncation="longest_first"}: when both sentences must lose
 * tokens they end up with {@code floor(budget/2)} and {@code ceil(budget/2)} tokens, the larger share going to
 * the sentence that was longer before cutting, and to the second sentence on a tie. Tokens are removed from the
 * end of a sentence. Every implementation shares this one rule, so switching between a {@code tokenizer.json} and
 * a bare {@code vocab.txt} of the same vocabulary never changes a training example.
 *
 * <p>A null second sentence means a single-sentence input. An empty second sentence is still a pair and gives
 * {@code [CLS] a [SEP] [SEP]}, as HuggingFace does; tasks whose data may hold empty second sentences see the same
 * layout for every example.
 *
 * <p>Implementations are thread-safe. Those backed by native code release it in {@link #close()}.
 */
public interface PairTokenizer extends AutoCloseable {

  /**
   * The smallest {@code maxLength} accepted: room for the three special tokens of a pair. The same bound holds
   * for single sentences so that one length works for every task.
   */
  int MIN_MAX_LENGTH = 3;

  /**
   * Encodes one sentence or sentence pair.
   *
   * @param textA the first (or only) sentence
   * @param textB the second sentence, or null for a single-sentence input
   * @param maxLength the most positions allowed, special tokens included; at least {@link #MIN_MAX_LENGTH}
   * @throws IllegalArgumentException if {@code maxLength} is below {@link #MIN_MAX_LENGTH}
   */
  EncodedPair encode(String textA, @Nullable String textB, int maxLength);

  /** Encodes a single sentence; the same as {@code encode(text, null, maxLength)}. */
  default EncodedPair encode(String text, int maxLength) {
    return encode(text, null, maxLength);
  }

  /**
   * Encodes many inputs with one length limit.
   *
   * @param textsA the first sentences
   * @param textsB the second sentences, parallel to {@code textsA} (elements may be null), or null when every
   *     input is a single sentence
   * @param maxLength the most positions per input, special tokens included
   * @throws IllegalArgumentException if the lists differ in size or {@code maxLength} is too small
   */
  default List<EncodedPair> encodeAll(
      List<String> textsA, @Nullable List<? extends @Nullable String> textsB, int maxLength) {
    checkArgument(
        textsB == null || textsB.size() == textsA.size(),
        "textsA and textsB differ in size: %s vs %s",
        textsA.size(),
        textsB == null ? 0 : textsB.size());
    List<EncodedPair> encodings = new ArrayList<>(textsA.size());
    for (int i = 0; i < textsA.size(); i++) {
      encodings.add(encode(textsA.get(i), textsB == null ? null : textsB.get(i), maxLength));
    }
    return encodings;
  }

  /** The number of rows the encoder's word-embedding table needs: the largest id this tokenizer emits plus one. */
  int vocabSize();

  /** The id of {@code [PAD]}, which batching uses to fill short sequences. */
  int padId();

  /** Releases native resources, if any. EncodedPair after closing is an error for native implementations. */
  @Override
  default void close() {}
}
