package io.github.bamjava.encoder;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.bamjava.text.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A SHA-256 over the files a checkpoint directory's encoder is read from (config, weights, tokenizer), so that a
 * run key tells a directory that now holds other weights from the one a run was trained on. Cached while the
 * files' sizes and modification times stay the same: a run key is asked for several times a run, and hashing a
 * BERT-Large checkpoint takes seconds.
 */
final class CheckpointDigest {
  private static final List<String> FILES = List.of("config.json", WeightFiles.SINGLE, WeightFiles.INDEX,
      Tokenizers.TOKENIZER_JSON, Tokenizers.VOCAB_TXT, Tokenizers.TOKENIZER_CONFIG_JSON);

  private final Path dir;
  private String stamp = "";
  private Optional<String> digest = Optional.empty();

  CheckpointDigest(Path dir) {
    this.dir = dir;
  }

  /**
   * The hex digest, or empty when the directory holds none of the files (loading it then fails, naming what is
   * missing).
   */
  synchronized Optional<String> get() throws IOException {
    List<String> present = new ArrayList<>(
        FILES.stream().filter(name -> Files.isRegularFile(dir.resolve(name))).toList());
    if (present.contains(WeightFiles.INDEX) && !present.contains(WeightFiles.SINGLE)) {
      try {
        WeightFiles.in(dir).files().forEach(shard -> present.add(shard.getFileName().toString()));
      } catch (IOException | IllegalArgumentException e) {
        // A broken index: loading the checkpoint reports it; the digest covers the index itself.
      }
    }
    StringBuilder now = new StringBuilder();
    for (String name : present) {
      Path file = dir.resolve(name);
      now.append(name).append(' ').append(Files.size(file)).append(' ')
          .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
    }
    if (!now.toString().equals(stamp)) {
      digest = present.isEmpty() ? Optional.empty() : Optional.of(hash(present));
      stamp = now.toString();
    }
    return digest;
  }

  private String hash(List<String> present) throws IOException {
    Hasher hasher = Hashing.sha256().newHasher();
    byte[] buffer = new byte[1 << 20];
    for (String name : present) {
      Path file = dir.resolve(name);
      // Name and length first, so that no two sets of files hash alike by shifting bytes between them.
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      hasher.putInt(n.length).putBytes(n).putLong(Files.size(file));
      try (InputStream in = Files.newInputStream(file)) {
        for (int read; (read = in.read(buffer)) > 0; ) {
          hasher.putBytes(buffer, 0, read);
        }
      }
    }
    return hasher.hash().toString();
  }
}
