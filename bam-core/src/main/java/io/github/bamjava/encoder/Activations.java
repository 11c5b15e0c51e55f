package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.List;

/** The feed-forward activations of HuggingFace configs ({@code hidden_act}, DistilBERT's {@code activation}). */
final class Activations {
  private Activations() {}

  /** The names this library computes, as HuggingFace spells them. */
  static final List<String> SUPPORTED = List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu");

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

  /**
   * The activation {@code name} of {@code x}: "gelu" is the erf form (BERT's); "gelu_new" and
   * "gelu_pytorch_tanh" are both the tanh approximation, {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))},
   * which HuggingFace computes with two implementations of one formula.
   */
  static NDArray apply(String name, NDArray x) {
    return switch (name) {
      case "gelu" -> Activation.gelu(x);
      case "gelu_new", "gelu_pytorch_tanh" -> {
        // Scalars, not Java numbers: the products' backward passes read their factors (see Scalars).
        NDArray inner = x.mul(x).mul(x).mul(Scalars.of(x, 0.044715f)).add(x).mul(Scalars.of(x, SQRT_2_OVER_PI));
        yield inner.tanh().add(1f).mul(x).mul(Scalars.of(x, 0.5f));
      }
      case "relu" -> Activation.relu(x);
      default -> {
        checkArgument(false, "activation '%s' is not supported; supported: %s", name, SUPPORTED);
        throw new AssertionError();
      }
    };
  }
}
