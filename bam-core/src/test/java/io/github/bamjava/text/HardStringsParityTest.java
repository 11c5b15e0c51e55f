package io.github.bamjava.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.bamjava.encoder.HfFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Token ids of hard strings (accents, CJK, emoji with joiners, combining marks, words past WordPiece's length
 * limit, invisible characters, other scripts), single and paired, whole and truncated longest-first, against
 * the ids transformers gave for the same tokenizers ({@code hf-parity/tokenizer-cases.json}, written by
 * {@code bench/hf-parity/make-fixtures.sh}): WordPiece from {@code tokenizer.json} and from {@code vocab.txt}
 * (this library's own implementation), and RoBERTa's byte-level BPE from {@code tokenizer.json}. Where a pair is
 * cut on both sides the budget is even: see the script for how tokenizers 0.23 differs on odd ones.
 */
class HardStringsParityTest {

  private static JsonArray cases() throws IOException {
    JsonArray cases = HfFixtures.json(HfFixtures.resource("hf-parity/tokenizer-cases.json")).getAsJsonArray("cases");
    return cases;
  }

  @Test
  void wordPieceFromTokenizerJsonGivesTransformersIds() throws IOException {
    Path dir = HfFixtures.resource("hf-parity/bert");
    try (PairTokenizer tokenizer = HfPairTokenizer.fromFile(dir.resolve(Tokenizers.TOKENIZER_JSON))) {
      assertAllMatch(tokenizer, "wordpiece", true);
    }
  }

  @Test
  void wordPieceFromVocabTxtGivesTransformersIds() throws IOException {
    Path dir = HfFixtures.resource("hf-parity/bert");
    assertAllMatch(WordPieceTokenizer.fromVocabFile(dir.resolve(Tokenizers.VOCAB_TXT), true), "wordpiece", true);
  }

  @Test
  void byteLevelBpeGivesTransformersIdsInRobertasLayout() throws IOException {
    Path dir = HfFixtures.resource("hf-parity/roberta");
    try (PairTokenizer tokenizer = Tokenizers.fromDirectory(dir)) {
      assertThat(tokenizer.padId()).isEqualTo(1);
      assertAllMatch(tokenizer, "bpe", false);
      // RoBERTa has one token type: every position of a pair is type 0.
      assertThat(tokenizer.encode("good", "bad", 16).typeIds()).containsOnly(0);
    }
  }

  private static void assertAllMatch(PairTokenizer tokenizer, String key, boolean types) throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (JsonElement element : cases()) {
      JsonObject c = element.getAsJsonObject();
      if (!c.get("tokenizer").getAsString().equals(key)) {
        continue;
      }
      String a = c.get("a").getAsString();
      String b = c.get("b").isJsonNull() ? null : c.get("b").getAsString();
      EncodedPair ours = tokenizer.encode(a, b, c.get("max_length").getAsInt());
      int[] ids = ints(c.getAsJsonArray("ids"));
      boolean same = Arrays.equals(ours.inputIds(), ids)
          && (!types || Arrays.equals(ours.typeIds(), ints(c.getAsJsonArray("types"))));
      if (!same) {
        mismatches.add(String.format("%s | %s | %s: ours %s, transformers %s", a, b, c.get("max_length"),
            Arrays.toString(ours.inputIds()), Arrays.toString(ids)));
      }
      checked++;
    }
    assertThat(checked).as("cases of %s", key).isGreaterThan(30);
    assertThat(mismatches).as("%s cases of %s", checked, key).isEmpty();
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }
}
