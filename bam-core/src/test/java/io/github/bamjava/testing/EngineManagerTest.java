package io.github.bamjava.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension gives each test a fresh PyTorch manager, still open in @AfterEach and closed after it. */
@ExtendWith(EngineManager.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineManagerTest {

  /** The manager of the test that ran before, kept across test instances. */
  private static NDManager previous;

  private NDManager manager;

  @AfterEach
  void stillOpenForTheTeardown() {
    assertThat(manager.isOpen()).isTrue();
    previous = manager;
  }

  @Test
  @Order(1)
  void theFieldHoldsAnOpenManagerOfThePyTorchEngine() {
    assertThat(manager.isOpen()).isTrue();
    assertThat(manager.getEngine().getEngineName()).isEqualTo("PyTorch");
    manager.zeros(new Shape(3));
  }

  @Test
  @Order(2)
  void eachTestGetsItsOwnAndThePreviousOneWasClosedWithItsArrays() {
    assertThat(manager).isNotSameAs(previous);
    assertThat(previous.isOpen()).isFalse();
    assertThat(manager.getManagedArrays()).isEmpty();
  }
}
