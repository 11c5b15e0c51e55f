package io.github.bamjava.taskfile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.pipeline.PipelineTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked example and the JSON Schema that ship with the project agree with the reader. */
class ShippedTaskFilesTest {

  private static final Path ROOT = Path.of("..");

  @Test
  void theWorkedExampleLoads() throws IOException {
    TaskSet set = TaskSet.read(ROOT.resolve("examples/my-tasks/tasks.json"));

    List<PipelineTask> tasks = set.load();

    assertThat(tasks).extracting(PipelineTask::name).containsExactly("tickets", "same-question");
    assertThat(tasks.get(0).task().train()).hasSize(300);
    assertThat(tasks.get(1).task().train()).hasSize(300);
    assertThat(tasks.get(1).task().test()).hasSize(30);
    // Its CSV holds RFC 4180 quoted fields with a line break.
    assertThat(tasks.get(1).task().train()).anyMatch(e -> e.textB().contains("\n"));
    assertThat(set.settings().recipe().maxLength()).isEqualTo(64);
  }

  @Test
  void theSchemaDeclaresTheFieldsTheReaderKnows() throws IOException {
    JsonObject schema = JsonParser.parseString(Files.readString(ROOT.resolve("docs/task-set.schema.json")))
        .getAsJsonObject();
    JsonObject defs = schema.getAsJsonObject("$defs");
    assertThat(schema.getAsJsonObject("properties").keySet())
        .containsExactlyInAnyOrderElementsOf(TaskFileParser.ROOT);
    assertThat(defs.getAsJsonObject("task").getAsJsonObject("properties").keySet())
        .containsExactlyInAnyOrderElementsOf(TaskFileParser.TASK);
    assertThat(defs.getAsJsonObject("settings").getAsJsonObject("properties").keySet())
        .containsExactlyInAnyOrderElementsOf(TaskFileParser.SETTINGS);
    assertThat(defs.getAsJsonObject("stage").getAsJsonObject("properties").keySet())
        .containsExactlyInAnyOrderElementsOf(TaskFileParser.STAGE);
  }
}
