package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.github.bamjava.optim.OptimizerState;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

  @TempDir Path dir;

  @Test
  void aFailedWriteLeavesNothingBehindAndNamesTheCheckpoint() throws Exception {
    Checkpoints checkpoints = new Checkpoints(dir, 1);
    write(checkpoints, 3);
    // The disk fills up between the model and the optimizer file.
    checkpoints.setMidWriteHook(() -> {
      throw new UncheckedIOException(new IOException("No space left on device"));
    });
    for (int retry = 0; retry < 2; retry++) {
      assertThatThrownBy(() -> write(checkpoints, 6))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dir.resolve("step-6").toString())
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("removed");
      assertThat(entries()).containsExactlyInAnyOrder("LATEST", "step-3");
    }
    assertThat(checkpoints.latest()).get().extracting(Checkpoints.Checkpoint::step).isEqualTo(3L);

    // A write that dies of something else is cleaned up too, its error unchanged.
    checkpoints.setMidWriteHook(() -> {
      throw new IllegalStateException("killed");
    });
    assertThatThrownBy(() -> write(checkpoints, 9)).isInstanceOf(IllegalStateException.class).hasMessage("killed");
    assertThat(entries()).containsExactlyInAnyOrder("LATEST", "step-3");

    checkpoints.setMidWriteHook(() -> {});
    write(checkpoints, 12);
    assertThat(entries()).containsExactlyInAnyOrder("LATEST", "step-12");
    assertThat(checkpoints.latest()).get().extracting(Checkpoints.Checkpoint::step).isEqualTo(12L);
  }

  @Test
  void aCheckpointThatLatestNeverNamedDoesNotOutliveTheOneItNames() throws Exception {
    Checkpoints checkpoints = new Checkpoints(dir, 1);
    write(checkpoints, 500);
    write(checkpoints, 1000);
    // A kill after step-1000 was moved into place but before LATEST named it: LATEST still names step-500.
    Files.writeString(dir.resolve(Checkpoints.LATEST), "step-500\n");
    write(checkpoints, 500);
    assertThat(checkpoints.latest()).get().extracting(Checkpoints.Checkpoint::step).isEqualTo(500L);

    // The resumed run stops gracefully at step 750, before the step-1000 of the killed process.
    write(checkpoints, 750);
    assertThat(entries()).containsExactlyInAnyOrder("LATEST", "step-750");
    assertThat(checkpoints.latest()).get().extracting(Checkpoints.Checkpoint::step).isEqualTo(750L);
  }

  @Test
  void aCheckpointIsAsReadableAsAPlainDirectory() throws Exception {
    write(new Checkpoints(dir, 1), 3);
    PlainPermissions.assertLikeAPlainDirectory(dir.resolve("step-3"));
  }

  @Test
  void aCheckpointOfAnotherProgramIsRefusedNamingTheFile() throws Exception {
    Checkpoints checkpoints = new Checkpoints(dir, 1);
    write(checkpoints, 3);
    Path state = dir.resolve("step-3").resolve("state.json");
    Files.writeString(state, "{\"epoch\": 1}");
    assertThatThrownBy(checkpoints::latest)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(state.toString())
        .hasMessageContaining("\"step\"");
  }

  @Test
  void aDamagedStateJsonIsAnErrorNamingTheFileAndWhatIsWrong() throws Exception {
    Checkpoints checkpoints = new Checkpoints(dir, 1);
    write(checkpoints, 3);
    Path state = dir.resolve("step-3").resolve("state.json");
    for (String text : List.of("{\"step\": 3, \"epo", "", "[3]", "{\"step\": \"three\"}", "{\"step\": [3]}")) {
      Files.writeString(state, text);
      assertThatThrownBy(checkpoints::latest).as(text)
          .hasMessageContaining(state.toString())
          .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("not valid JSON", "no JSON object", "three",
              "[3]"));
    }
  }

  @Test
  void aNonNumericOptimizerMetadataValueIsAnErrorNamingTheFileAndTheValue() throws Exception {
    Checkpoints checkpoints = new Checkpoints(dir, 1);
    write(checkpoints, 3);
    Path optimizer = dir.resolve("step-3").resolve("optimizer.safetensors");
    Map<String, HostTensor> tensors = SafeTensors.read(optimizer);
    for (Map<String, String> metadata : List.of(Map.of("step_count", "3x"),
        Map.of("step_count", "3", "loss_scale", "big", "loss_scale_stable_steps", "0"),
        Map.of("step_count", "3", "loss_scale", "1024.0", "loss_scale_stable_steps", "many"))) {
      SafeTensors.write(optimizer, tensors, metadata);
      String bad = metadata.values().stream().filter(v -> !v.matches("[0-9.]+")).findFirst().orElseThrow();
      assertThatThrownBy(checkpoints::latest).as(metadata.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(optimizer.toString())
          .hasMessageContaining("\"" + bad + "\"");
    }
  }

  private static void write(Checkpoints checkpoints, long step) throws IOException {
    HostTensor w = new HostTensor(new long[] {2}, new float[] {1, step});
    JsonObject state = new JsonObject();
    state.addProperty("step", step);
    checkpoints.write(step, Map.of("w", w), new OptimizerState((int) step, Map.of("m/w", w, "v/w", w)), state);
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).toList();
    }
  }
}
