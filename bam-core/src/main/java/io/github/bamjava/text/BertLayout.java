package io.github.bamjava.text;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Puts the special tokens around already tokenized sentences and applies the length limit: the shared tail of
 * every {@link PairTokenizer}, so that the tokenizers differ only in how text becomes word-piece ids.
 *
 * <p>Two layouts, as HuggingFace's post-processors build them: BERT's ({@code BertProcessing}: {@code [CLS] a
 * [SEP] b [SEP]}, the second segment typed 1), used by BERT, DistilBERT and ELECTRA; and RoBERTa's
 * ({@code RobertaProcessing}: {@code <s> a </s></s> b </s>}, every position typed 0, as RoBERTa has one token
 * type).
 */
final class BertLayout {
  private final int clsId;
  private final int sepId;
  private final boolean roberta;

  /** BERT's layout. */
  BertLayout(int clsId, int sepId) {
    this(clsId, sepId, false);
  }

  private BertLayout(int clsId, int sepId, boolean roberta) {
    this.clsId = clsId;
    this.sepId = sepId;
    this.roberta = roberta;
  }

  /** RoBERTa's layout, with its {@code <s>} and {@code </s>} ids. */
  static BertLayout roberta(int bosId, int eosId) {
    return new BertLayout(bosId, eosId, true);
  }

  /**
   * Builds {@code [CLS] a [SEP]} or {@code [CLS] a [SEP] b [SEP]}, truncated longest-first to {@code maxLength}.
   *
   * @param idsA the first sentence's word-piece ids
   * @param idsB the second sentence's ids, or null for a single sentence
   */
  EncodedPair assemble(int[] idsA, int @Nullable [] idsB, int maxLength) {
    checkMaxLength(maxLength);
    int specials = idsB == null ? 2 : roberta ? 4 : 3;
    checkArgument(maxLength >= specials, "maxLength %s leaves no room for the %s special tokens of a RoBERTa pair",
        maxLength, specials);
    int[] keep = Truncation.longestFirst(idsA.length, idsB == null ? 0 : idsB.length, maxLength - specials);
    int length = specials + keep[0] + keep[1];
    int[] ids = new int[length];
    int[] types = new int[length];
    int pos = 0;
    ids[pos++] = clsId;
    System.arraycopy(idsA, 0, ids, pos, keep[0]);
    pos += keep[0];
    ids[pos++] = sepId;
    if (idsB != null) {
      if (roberta) {
        ids[pos++] = sepId;
      }
      System.arraycopy(idsB, 0, ids, pos, keep[1]);
      int startB = pos;
      pos += keep[1];
      ids[pos++] = sepId;
      if (!roberta) {
        Arrays.fill(types, startB, pos, 1);
      }
    }
    return new EncodedPair(ids, types);
  }

  static void checkMaxLength(int maxLength) {
    checkArgument(
        maxLength >= PairTokenizer.MIN_MAX_LENGTH,
        "maxLength must be at least %s to hold [CLS] and two [SEP], got %s",
        PairTokenizer.MIN_MAX_LENGTH,
        maxLength);
  }
}
