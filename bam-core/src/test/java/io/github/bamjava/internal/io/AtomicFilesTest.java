package io.github.bamjava.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes are atomic, and what a killed write left behind is found and removed later. */
class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void theNextWriteOfAFileRemovesTheTemporaryCopyAKilledWriteOfItLeft() throws IOException {
    Path killed = Files.writeString(dir.resolve(".result.json.3f9a0c1d2e4b5a67.tmp"), "{\"half");
    Path otherFiles = Files.writeString(dir.resolve(".metrics.json.17.tmp"), "x");

    AtomicFiles.writeString(dir.resolve("result.json"), "{}");

    assertThat(dir.resolve("result.json")).hasContent("{}");
    assertThat(killed).doesNotExist();
    assertThat(otherFiles).exists(); // another file's: its own next write, or a run's sweep, removes it
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("result.json",
          ".metrics.json.17.tmp");
    }
  }

  @Test
  void aSweepRemovesTemporaryFilesAndFoldersAndNothingElse() throws IOException {
    Files.writeString(dir.resolve(".run-config.json.a1.tmp"), "{");
    Files.createDirectories(dir.resolve("model.tmp-5eed").resolve("inner"));
    Files.writeString(dir.resolve("model.tmp-5eed").resolve("config.json"), "{}");
    Path moved = Files.createDirectories(dir.resolve("model.old-123456789")); // maybe the only copy: kept
    Path own = Files.writeString(dir.resolve("notes.tmp"), "mine");
    Path hidden = Files.writeString(dir.resolve(".lock"), "42");
    Path nested = Files.writeString(Files.createDirectories(dir.resolve("sub")).resolve(".x.json.1.tmp"), "");

    assertThat(AtomicFiles.deleteLeftovers(dir)).containsExactlyInAnyOrder(".run-config.json.a1.tmp",
        "model.tmp-5eed");

    assertThat(dir.resolve(".run-config.json.a1.tmp")).doesNotExist();
    assertThat(dir.resolve("model.tmp-5eed")).doesNotExist();
    assertThat(moved).exists();
    assertThat(own).exists();
    assertThat(hidden).exists();
    assertThat(nested).exists();
    assertThat(AtomicFiles.deleteLeftovers(dir.resolve("absent"))).isEmpty();
  }

  @Test
  void installingADirectoryReplacesTheOldTreeWhole() throws IOException {
    Path target = dir.resolve("model");
    Files.createDirectories(target.resolve("old-only"));
    Files.writeString(target.resolve("config.json"), "old");
    Path fresh = AtomicFiles.createTempDirectory(dir, "model.tmp-");
    Files.writeString(fresh.resolve("config.json"), "new");

    AtomicFiles.installDirectory(fresh, target);

    assertThat(target.resolve("config.json")).hasContent("new");
    assertThat(target.resolve("old-only")).doesNotExist();
    assertThat(fresh).doesNotExist();
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("model");
    }

    // Into a place where nothing was.
    Path another = AtomicFiles.createTempDirectory(dir, "data.tmp-");
    AtomicFiles.installDirectory(another, dir.resolve("data"));
    assertThat(dir.resolve("data")).isEmptyDirectory();
  }

  @Test
  void aFailedInstallPutsTheOldTreeBack() throws IOException {
    Path target = dir.resolve("model");
    Files.createDirectories(target);
    Files.writeString(target.resolve("config.json"), "old");

    assertThatThrownBy(() -> AtomicFiles.installDirectory(dir.resolve("never-written"), target))
        .isInstanceOf(IOException.class);

    assertThat(target.resolve("config.json")).hasContent("old");
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("model");
    }
  }
}
