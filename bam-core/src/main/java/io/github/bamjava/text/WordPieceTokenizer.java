package io.github.bamjava.text;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A pure-Java BERT tokenizer for checkpoints that ship only a {@code vocab.txt}: basic tokenization (see
 * {@link BertTextSplitter}) followed by WordPiece, producing the same ids as HuggingFace's fast BERT tokenizer.
 *
 * <p>WordPiece splits each word greedily, longest match first: the longest vocabulary entry that starts the word,
 * then the longest {@code ##}-prefixed entry that continues it, and so on. A word that cannot be covered this way,
 * or that is longer than {@value #MAX_WORD_CHARS} characters, becomes a single {@code [UNK]}.
 *
 * <p>The special tokens ([CLS], [SEP], [PAD], [UNK], [MASK]) written literally in the text are kept as single
 * tokens, as HuggingFace does with its added tokens; so "a [SEP] b" is encoded with the real separator id.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements PairTokenizer {

  /** Words longer than this many characters (code points) become {@code [UNK]}, as in BERT. */
  public static final int MAX_WORD_CHARS = 100;

  private static final String CONTINUATION = "##";
  private static final List<String> REQUIRED = ImmutableList.of("[CLS]", "[SEP]", "[PAD]", "[UNK]");
  private static final List<String> SPECIALS = ImmutableList.of("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]");

  private final Map<String, Integer> vocab;
  private final int vocabSize;
  /** The longest vocabulary entry in code points, "##" included: no longer candidate can match. */
  private final int longestEntry;
  /** The special tokens present in the vocabulary, longest first, so the longest literal match wins. */
  private final List<String> literalSpecials;
  private final BertTextSplitter splitter;
  private final BertLayout layout;
  private final int unkId;
  private final int padId;
  private final boolean lowerCase;
  private final String source;

  private WordPieceTokenizer(Map<String, Integer> vocab, int vocabSize, boolean lowerCase, String source) {
    this.vocab = ImmutableMap.copyOf(vocab);
    this.vocabSize = vocabSize;
    this.lowerCase = lowerCase;
    this.source = source;
    for (String token : REQUIRED) {
      checkArgument(
          vocab.containsKey(token),
          "vocabulary %s has no %s token; a BERT vocab.txt needs %s",
          source,
          token,
          REQUIRED);
    }
    this.longestEntry = vocab.keySet().stream().mapToInt(t -> t.codePointCount(0, t.length())).max().orElse(0);
    List<String> specials = new ArrayList<>();
    for (String token : SPECIALS) {
      if (vocab.containsKey(token)) {
        specials.add(token);
      }
    }
    specials.sort((a, b) -> Integer.compare(b.length(), a.length()));
    this.literalSpecials = ImmutableList.copyOf(specials);
    this.splitter = new BertTextSplitter(lowerCase);
    this.layout = new BertLayout(vocab.get("[CLS]"), vocab.get("[SEP]"));
    this.unkId = vocab.get("[UNK]");
    this.padId = vocab.get("[PAD]");
  }

  /**
   * Reads a BERT {@code vocab.txt}: one token per line, the id of a token being its line number from 0.
   *
   * @param lowerCase whether to lower-case and strip accents, as uncased checkpoints expect
   *     ({@code do_lower_case} in their {@code tokenizer_config.json})
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the vocabulary lacks [CLS], [SEP], [PAD] or [UNK]
   */
  public static WordPieceTokenizer fromVocabFile(Path vocabTxt, boolean lowerCase) throws IOException {
    requireNonNull(vocabTxt, "vocabTxt");
    List<String> lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
    return fromTokens(lines, lowerCase, vocabTxt.toString());
  }

  /**
   * Builds a tokenizer from tokens in id order (the lines of a {@code vocab.txt}).
   *
   * @param sourceName how error messages name the vocabulary
   * @throws IllegalArgumentException if the vocabulary lacks [CLS], [SEP], [PAD] or [UNK]
   */
  public static WordPieceTokenizer fromTokens(List<String> tokens, boolean lowerCase, String sourceName) {
    requireNonNull(tokens, "tokens");
    requireNonNull(sourceName, "sourceName");
    checkArgument(!tokens.isEmpty(), "vocabulary %s is empty", sourceName);
    Map<String, Integer> vocab = new HashMap<>(tokens.size() * 2);
    for (int id = 0; id < tokens.size(); id++) {
      String token = tokens.get(id);
      if (id == 0 && token.startsWith("\uFEFF")) {
        token = token.substring(1); // a byte-order mark written by some editors
      }
      // A repeated token keeps its last id, as both HuggingFace loaders do.
      vocab.put(token, id);
    }
    return new WordPieceTokenizer(vocab, tokens.size(), lowerCase, sourceName);
  }

  @Override
  public EncodedPair encode(String textA, @Nullable String textB, int maxLength) {
    requireNonNull(textA, "textA");
    BertLayout.checkMaxLength(maxLength);
    return layout.assemble(wordPieces(textA), textB == null ? null : wordPieces(textB), maxLength);
  }

  /** The word-piece ids of one sentence, without special tokens around it. */
  int[] wordPieces(String text) {
    IntArrayBuilder ids = new IntArrayBuilder(text.length() / 3 + 4);
    int segmentStart = 0;
    int i = 0;
    while (i < text.length()) {
      String special = text.charAt(i) == '[' ? specialAt(text, i) : null;
      if (special == null) {
        i++;
        continue;
      }
      addWords(text.substring(segmentStart, i), ids);
      ids.add(vocab.get(special));
      i += special.length();
      segmentStart = i;
    }
    addWords(text.substring(segmentStart), ids);
    return ids.toArray();
  }

  private @Nullable String specialAt(String text, int offset) {
    for (String special : literalSpecials) {
      if (text.startsWith(special, offset)) {
        return special;
      }
    }
    return null;
  }

  private void addWords(String segment, IntArrayBuilder ids) {
    if (segment.isEmpty()) {
      return;
    }
    for (String word : splitter.split(segment)) {
      addWordPieces(word, ids);
    }
  }

  private void addWordPieces(String word, IntArrayBuilder ids) {
    int[] cps = word.codePoints().toArray();
    if (cps.length > MAX_WORD_CHARS) {
      ids.add(unkId);
      return;
    }
    int mark = ids.size();
    int start = 0;
    while (start < cps.length) {
      String prefix = start == 0 ? "" : CONTINUATION;
      int maxPieceChars = longestEntry - (start == 0 ? 0 : CONTINUATION.length());
      int end = Math.min(cps.length, start + Math.max(maxPieceChars, 0));
      Integer id = null;
      for (; end > start; end--) {
        id = vocab.get(prefix + new String(cps, start, end - start));
        if (id != null) {
          break;
        }
      }
      if (id == null) {
        // One uncoverable position spoils the whole word, as in BERT: drop its pieces, emit one [UNK].
        ids.truncate(mark);
        ids.add(unkId);
        return;
      }
      ids.add(id);
      start = end;
    }
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int padId() {
    return padId;
  }

  /** Whether text is lower-cased and stripped of accents before matching. */
  public boolean lowerCase() {
    return lowerCase;
  }

  @Override
  public String toString() {
    return "WordPieceTokenizer[" + source + ", vocabSize=" + vocabSize + ", lowerCase=" + lowerCase + "]";
  }

  /** A growable int array: word pieces are collected without boxing. */
  private static final class IntArrayBuilder {
    private int[] values;
    private int size;

    IntArrayBuilder(int capacity) {
      values = new int[Math.max(capacity, 4)];
    }

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    int size() {
      return size;
    }

    void truncate(int newSize) {
      size = newSize;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
