package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.text.EncodedPair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each architecture, loaded from a checkpoint folder that transformers wrote (BERT plain, RoBERTa in shards,
 * DistilBERT and ELECTRA as their pre-training models), tokenizes the fixture's texts to transformers' ids and
 * computes its hidden states (and, where HuggingFace has a pooler, pooled outputs) for them, single texts and
 * pairs in one padded batch, within 1e-5 of transformers relative to the largest value.
 */
class HfArchitectureParityTest {

  /** Largest difference allowed, relative to the largest absolute expected value. */
  private static final double TOLERANCE = 1e-5;

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void matchesTransformers(Architecture architecture) throws IOException {
    JsonObject expected = HfFixtures.json(HfFixtures.checkpoint(architecture).resolve("expected.json"));
    try (NDManager manager = NDManager.newBaseManager()) {
      PretrainedEncoder pretrained = EncoderSource.huggingFace(HfFixtures.checkpoint(architecture)).load(manager);
      BertConfig config = pretrained.encoder().config();
      assertThat(config.architecture()).isEqualTo(architecture);
      boolean hfPooler = expected.has("pooler_output");
      assertThat(pretrained.report().initialized()).as("parameters absent from the checkpoint")
          .isEqualTo(hfPooler ? List.of() : List.of("pooler.dense.weight", "pooler.dense.bias"));

      List<EncodedPair> encodings = new ArrayList<>();
      JsonArray texts = expected.getAsJsonArray("texts");
      JsonArray ids = expected.getAsJsonArray("input_ids");
      for (int i = 0; i < texts.size(); i++) {
        JsonArray t = texts.get(i).getAsJsonArray();
        EncodedPair e = pretrained.tokenizer().encode(t.get(0).getAsString(),
            t.get(1).isJsonNull() ? null : t.get(1).getAsString(), config.maxSequenceLength());
        assertThat(e.inputIds()).as("ids of %s", t).containsExactly(ints(ids.get(i)));
        encodings.add(e);
      }
      NDList inputs = PaddedBatch.inputs(manager, encodings, pretrained.tokenizer().padId(), config);
      // Through the host-prepared inputs (the pipeline's path), and through the three plain arrays.
      for (NDList in : List.of(inputs, inputs.subNDList(0, 3))) {
        NDList out = pretrained.encoder().forward(new ParameterStore(manager, false), in, false);
        JsonArray hidden = expected.getAsJsonArray("last_hidden_state");
        for (int b = 0; b < encodings.size(); b++) {
          int length = encodings.get(b).length();
          float[] ours = out.get(0).get(b + ", 0:" + length + ", :").toFloatArray();
          assertClose(architecture + " last_hidden_state row " + b, ours, floats(hidden.get(b)));
        }
        if (hfPooler) {
          assertClose(architecture + " pooler_output", out.get(1).toFloatArray(),
              floats(expected.get("pooler_output")));
        }
      }
      pretrained.tokenizer().close();
    }
  }

  private static void assertClose(String what, float[] actual, float[] expected) {
    assertThat(actual).as(what).hasSize(expected.length);
    double maxDiff = 0;
    double maxAbs = 0;
    for (int i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
      maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
    }
    System.out.printf("PARITY %s: max |diff| %.3g, relative %.3g%n", what, maxDiff, maxDiff / maxAbs);
    assertThat(maxDiff / maxAbs).as("%s: max |diff| %s of max |value| %s; ours %s", what, maxDiff, maxAbs,
        Arrays.toString(Arrays.copyOf(actual, 4))).isLessThanOrEqualTo(TOLERANCE);
  }

  private static int[] ints(JsonElement array) {
    JsonArray a = array.getAsJsonArray();
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  private static float[] floats(JsonElement array) {
    JsonArray a = array.getAsJsonArray();
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsFloat();
    }
    return out;
  }
}
