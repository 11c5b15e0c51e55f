package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The engine is PyTorch, asked for by name, and a missing engine is an error that says what to add. */
class TorchEngineTest {

  @Test
  void managersAreOfThePyTorchEngine() {
    assertThat(TorchEngine.get().getEngineName()).isEqualTo("PyTorch");
    try (NDManager manager = TorchEngine.newManager()) {
      assertThat(manager.getEngine().getEngineName()).isEqualTo("PyTorch");
      assertThat(manager.getDevice()).isEqualTo(TorchEngine.get().defaultDevice());
    }
  }

  @Test
  void anAbsentEngineIsAnErrorNamingTheArtifactsAndTheEnginesFound() {
    assertThatThrownBy(() -> TorchEngine.named("NoSuchEngine"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NoSuchEngine engine is not on the classpath")
        .hasMessageContaining("PyTorch")
        .hasMessageContaining("ai.djl.pytorch:pytorch-engine");
  }
}
