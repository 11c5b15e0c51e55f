package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.bamjava.internal.weights.MiniLmWeights;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.text.EncodedPair;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proof that the encoder is BERT: the pretrained all-MiniLM-L6-v2 loaded into our DJL blocks gives the same
 * last hidden states as the original ONNX file run by ONNX Runtime, on a padded batch of sentence pairs of
 * different lengths.
 */
class MiniLmParityTest {

  private static final String[][] PAIRS = {
    {"A man is playing a guitar.", "Someone plays an instrument on the stage tonight."},
    {"The cat sat.", null},
    {"Stocks fell sharply on Monday after the central bank raised interest rates again.",
        "Markets dropped."},
    {"¿Dónde está la biblioteca? Café, naïve, résumé!", ""},
    {"short", "a much longer second sentence that makes this pair the longest one of the whole batch by far"},
  };

  @Test
  void lastHiddenStatesMatchOnnxRuntimeOnRealTokens() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      PretrainedEncoder pretrained = EncoderSource.miniLm().load(manager);
      assertThat(pretrained.report().initialized()).containsExactly("pooler.dense.weight", "pooler.dense.bias");
      List<EncodedPair> encodings = new ArrayList<>();
      for (String[] pair : PAIRS) {
        encodings.add(pretrained.tokenizer().encode(pair[0], pair[1], 128));
      }
      NDList inputs = PaddedBatch.inputs(manager, encodings, pretrained.tokenizer().padId(),
          pretrained.encoder().config());
      NDArray ours = pretrained.encoder().forward(new ParameterStore(manager, false), inputs, false).get(0);
      float[][][] reference = runOnnx(inputs);

      int batch = encodings.size();
      long seq = inputs.get(0).getShape().get(1);
      int hidden = 384;
      float[] flat = ours.toFloatArray();
      double maxDiff = 0;
      int compared = 0;
      for (int b = 0; b < batch; b++) {
        for (int s = 0; s < encodings.get(b).length(); s++) {
          for (int h = 0; h < hidden; h++) {
            double d = Math.abs(flat[(int) ((b * seq + s) * hidden + h)] - reference[b][s][h]);
            maxDiff = Math.max(maxDiff, d);
            compared++;
          }
        }
      }
      assertThat(compared).isGreaterThan(batch * hidden * 5);
      assertThat(maxDiff).as("max abs difference over %s real-token values", compared).isLessThan(1e-4);
    }
  }

  private static float[][][] runOnnx(NDList inputs) throws Exception {
    byte[] model;
    try (InputStream in = MiniLmWeights.class.getClassLoader().getResourceAsStream(MiniLmWeights.RESOURCE_ONNX)) {
      model = in.readAllBytes();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = inputs.get(0).getShape().getShape();
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(inputs.get(0).toLongArray()), shape);
        OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(inputs.get(1).toLongArray()), shape);
        OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(inputs.get(2).toLongArray()), shape)) {
      Map<String, OnnxTensor> feed = new java.util.HashMap<>();
      for (String name : session.getInputNames()) {
        feed.put(name, name.contains("type") ? types : name.contains("mask") ? mask : ids);
      }
      try (OrtSession.Result result = session.run(feed)) {
        return (float[][][]) result.get(0).getValue();
      }
    }
  }
}
