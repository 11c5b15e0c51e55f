package io.github.bamjava.text;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The token ids of one sentence or sentence pair, ready for a BERT encoder: {@code [CLS] a [SEP]} or
 * {@code [CLS] a [SEP] b [SEP]}.
 *
 * <p>There is no attention mask: every position is a real token. Padding is left to batching, which pads to the
 * longest sequence of its batch and builds the mask there, so a single encoding never carries padding.
 *
 * @param inputIds the vocabulary ids, special tokens included
 * @param typeIds the segment of each position: 0 for {@code [CLS]}, the first sentence and its {@code [SEP]}; 1
 *     for the second sentence and its {@code [SEP]}
 */
public record EncodedPair(int[] inputIds, int[] typeIds) {

  /** Checks that the id arrays are set and of one length. */
  public EncodedPair {
    requireNonNull(inputIds, "inputIds");
    requireNonNull(typeIds, "typeIds");
    checkArgument(
        inputIds.length == typeIds.length,
        "inputIds and typeIds differ in length: %s vs %s",
        inputIds.length,
        typeIds.length);
    // Defensive copies: a record with array components is otherwise mutable from outside.
    inputIds = inputIds.clone();
    typeIds = typeIds.clone();
  }

  /** The ids of every position, special tokens included (a copy). */
  @Override
  public int[] inputIds() {
    return inputIds.clone();
  }

  /** The segment (0 or 1) of every position (a copy). */
  @Override
  public int[] typeIds() {
    return typeIds.clone();
  }

  /** The number of positions, special tokens included: the length of the implied all-ones attention mask. */
  public int length() {
    return inputIds.length;
  }

  /** The id at {@code position}, without copying the array. */
  public int inputId(int position) {
    return inputIds[position];
  }

  /** The segment at {@code position}, without copying the array. */
  public int typeId(int position) {
    return typeIds[position];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EncodedPair that
        && Arrays.equals(inputIds, that.inputIds)
        && Arrays.equals(typeIds, that.typeIds);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(typeIds);
  }

  @Override
  public String toString() {
    return "EncodedPair[inputIds=" + Arrays.toString(inputIds) + ", typeIds=" + Arrays.toString(typeIds) + "]";
  }
}
