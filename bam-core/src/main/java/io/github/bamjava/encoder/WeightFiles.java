package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weight files of a HuggingFace checkpoint directory: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists (what {@code save_pretrained} writes for large models), read as one
 * set of tensors. Every file the index names must exist and hold the tensors the index places in it.
 */
final class WeightFiles {
  /** The single weight file. */
  static final String SINGLE = "model.safetensors";
  /** The index of a sharded checkpoint: {@code weight_map} from tensor name to shard file. */
  static final String INDEX = "model.safetensors.index.json";

  /**
   * A snippet that converts PyTorch pickles to safetensors, for the error a directory without safetensors gets.
   * Tensors are cloned because tied weights share storage, which safetensors refuses.
   */
  static final String CONVERT_SNIPPET = String.join(System.lineSeparator(),
      "  import torch; from safetensors.torch import save_file",
      "  state = torch.load('pytorch_model.bin', map_location='cpu', weights_only=True)",
      "  save_file({k: v.contiguous().clone() for k, v in state.items()}, 'model.safetensors', {'format': 'pt'})");

  private final String description;
  private final List<Path> files;
  /** Tensor name → the shard the index places it in; empty for a single file. */
  private final Map<String, Path> placement;

  private WeightFiles(String description, List<Path> files, Map<String, Path> placement) {
    this.description = description;
    this.files = List.copyOf(files);
    this.placement = placement;
  }

  /**
   * The weight files of {@code dir}.
   *
   * @throws NoSuchFileException when there are none (saying how to convert a {@code pytorch_model.bin}), or a
   *     shard the index names is missing (naming the index, the shard and a tensor placed in it)
   * @throws IOException when the index is malformed (naming it and the field)
   */
  static WeightFiles in(Path dir) throws IOException {
    Path single = dir.resolve(SINGLE);
    if (Files.isRegularFile(single)) {
      return new WeightFiles(single.toString(), List.of(single), Map.of());
    }
    Path index = dir.resolve(INDEX);
    if (Files.isRegularFile(index)) {
      return sharded(dir, index);
    }
    for (String pickle : List.of("pytorch_model.bin", "pytorch_model.bin.index.json")) {
      if (Files.exists(dir.resolve(pickle))) {
        throw new NoSuchFileException(single.toString(), null, SINGLE + " not found, nor " + INDEX + "; " + dir
            + " holds " + pickle + ", PyTorch's pickle format, which this library does not read (loading a"
            + " pickle can run code): convert it to safetensors once, in Python, in that directory:"
            + System.lineSeparator() + CONVERT_SNIPPET + System.lineSeparator()
            + "  (or load the model with transformers and save_pretrained(dir, safe_serialization=True))");
      }
    }
    throw new NoSuchFileException(single.toString(), null, SINGLE + " not found, nor " + INDEX
        + ": the checkpoint has no weights in safetensors format");
  }

  private static WeightFiles sharded(Path dir, Path index) throws IOException {
    JsonObject weightMap;
    try {
      JsonElement root = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
      checkArgument(root.isJsonObject() && root.getAsJsonObject().has("weight_map")
          && root.getAsJsonObject().get("weight_map").isJsonObject(), "field 'weight_map' is missing or not an"
          + " object");
      weightMap = root.getAsJsonObject().getAsJsonObject("weight_map");
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(index + ": " + e.getMessage(), e);
    }
    Map<String, Path> placement = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
      JsonElement value = e.getValue();
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        throw new IOException(index + ": weight_map." + e.getKey() + " must be a file name, got " + value);
      }
      Path shard = dir.resolve(value.getAsString()).normalize();
      if (!shard.getParent().equals(dir.normalize())) {
        throw new IOException(index + ": weight_map." + e.getKey() + " names " + value.getAsString()
            + ", which is not a file of " + dir);
      }
      if (!files.contains(shard)) {
        if (!Files.isRegularFile(shard)) {
          throw new NoSuchFileException(shard.toString(), null, "missing: " + index + " places "
              + e.getKey() + " in it");
        }
        files.add(shard);
      }
      placement.put(e.getKey(), shard);
    }
    checkArgument(!files.isEmpty(), "%s: weight_map is empty", index);
    return new WeightFiles(index + " (" + files.size() + " shards)", files, placement);
  }

  /** The files, in the order the index first names them. */
  List<Path> files() {
    return files;
  }

  /** How messages name the weights: the file, or the index and its number of shards. */
  String description() {
    return description;
  }

  /** The shape of every tensor, read from the files' headers only. */
  LinkedHashMap<String, long[]> readShapes() throws IOException {
    LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
    for (Path file : files) {
      merge(shapes, file, SafeTensors.readShapes(file));
    }
    checkPlacement(shapes.keySet());
    return shapes;
  }

  /** Every tensor. */
  LinkedHashMap<String, HostTensor> read() throws IOException {
    LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Path file : files) {
      merge(tensors, file, SafeTensors.read(file));
    }
    checkPlacement(tensors.keySet());
    return tensors;
  }

  private <T> void merge(Map<String, T> into, Path file, Map<String, T> tensors) throws IOException {
    for (Map.Entry<String, T> e : tensors.entrySet()) {
      Path placed = placement.get(e.getKey());
      if (!placement.isEmpty() && !file.equals(placed)) {
        throw new IOException(file + " holds " + e.getKey() + ", which " + description + " places "
            + (placed == null ? "nowhere" : "in " + placed.getFileName()));
      }
      into.put(e.getKey(), e.getValue());
    }
  }

  private void checkPlacement(Set<String> found) throws IOException {
    for (Map.Entry<String, Path> e : placement.entrySet()) {
      if (!found.contains(e.getKey())) {
        throw new IOException(e.getValue() + " lacks " + e.getKey() + ", which " + description + " places in it");
      }
    }
  }
}
