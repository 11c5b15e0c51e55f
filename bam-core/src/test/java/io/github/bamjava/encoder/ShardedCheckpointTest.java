package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint in shards (transformers' RoBERTa fixture, four files and an index) reads as one. */
class ShardedCheckpointTest {

  @TempDir Path temp;

  @Test
  void shardsLoadAsTheSameTensorsInOneFileAndAllCountInTheDigest() throws IOException {
    Path sharded = HfFixtures.checkpoint(Architecture.ROBERTA);
    Path single = temp.resolve("single");
    Files.createDirectories(single);
    LinkedHashMap<String, HostTensor> all = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(sharded)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith("model-")) {
          all.putAll(SafeTensors.read(f));
        } else if (!name.equals("model.safetensors.index.json")) {
          Files.copy(f, single.resolve(name));
        }
      }
    }
    SafeTensors.write(single.resolve("model.safetensors"), all, Map.of("format", "pt"));

    try (NDManager manager = NDManager.newBaseManager()) {
      PretrainedEncoder fromShards = EncoderSource.huggingFace(sharded).load(manager);
      PretrainedEncoder fromOne = EncoderSource.huggingFace(single).load(manager);
      assertThat(StateDict.snapshot(fromShards.encoder().namedParameters()))
          .isEqualTo(StateDict.snapshot(fromOne.encoder().namedParameters()));
      fromShards.tokenizer().close();
      fromOne.tokenizer().close();
    }

    // A shard rewritten in place is another encoder for a run key.
    Path copy = temp.resolve("copy");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(sharded)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Optional<String> before = EncoderSource.huggingFace(copy).contentDigest();
    Path shard = copy.resolve("model-00004-of-00004.safetensors");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length - 1] ^= 1;
    Files.write(shard, bytes);
    assertThat(before).isPresent();
    assertThat(EncoderSource.huggingFace(copy).contentDigest()).isPresent().isNotEqualTo(before);
  }
}
