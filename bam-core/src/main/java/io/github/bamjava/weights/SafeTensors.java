package io.github.bamjava.weights;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.github.bamjava.internal.dtype.Dtype;
import io.github.bamjava.internal.io.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the HuggingFace safetensors format, in pure Java.
 *
 * <p>The layout is: an unsigned little-endian 64-bit header length N, N bytes of UTF-8 JSON mapping each tensor
 * name to its {@code dtype}, {@code shape} and {@code data_offsets} (relative to the end of the header), plus an
 * optional {@code __metadata__} object of string pairs, then the raw little-endian data.
 *
 * <p>Every supported dtype is converted to float32 on the Java heap ({@link HostTensor}), so that no
 * half-precision array is ever created on the native side. Reading is done with positional reads in bounded
 * chunks, so files of several gigabytes work as long as each tensor fits a Java array; a malformed file gives a
 * {@link WeightFileException} naming the file and the tensor, never an out-of-memory error or a hang, because
 * every size in the header is checked against the file's real size before anything is allocated.
 */
public final class SafeTensors {

  /** A header larger than this is a corrupt length field, not a real checkpoint (real ones are kilobytes). */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final String METADATA_KEY = "__metadata__";
  private static final int CHUNK_BYTES = 1 << 20;
  /** The largest float[] the JVM reliably allocates. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
  private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);

  private SafeTensors() {}

  private record Entry(String name, Dtype dtype, long[] shape, int elements, long begin, long end) {}

  private record Header(long dataStart, List<Entry> entries, Map<String, String> metadata) {}

  /**
   * Reads every tensor of a safetensors file, converted to float32.
   *
   * @return the tensors in the order of the file's header
   * @throws WeightFileException when the file is missing, truncated, malformed, or holds a dtype other than
   *     F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL; the message names file and tensor
   */
  public static LinkedHashMap<String, HostTensor> read(Path file) throws IOException {
    requireNonNull(file, "file");
    String source = file.toString();
    try (FileChannel channel = open(file)) {
      Header header = readHeader(channel, source);
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
      for (Entry e : header.entries()) {
        tensors.put(e.name(), new HostTensor(e.shape(), readValues(channel, header.dataStart(), e, chunk,
            source)));
      }
      return tensors;
    }
  }

  /**
   * Reads only the shapes of a safetensors file's tensors, from its header, checking the header as {@link #read}
   * does but without reading any tensor data: enough to tell whether a checkpoint fits a model before the model
   * is built.
   *
   * @return each tensor's shape, in the order of the file's header
   */
  public static LinkedHashMap<String, long[]> readShapes(Path file) throws IOException {
    requireNonNull(file, "file");
    try (FileChannel channel = open(file)) {
      LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
      for (Entry e : readHeader(channel, file.toString()).entries()) {
        shapes.put(e.name(), e.shape().clone());
      }
      return shapes;
    }
  }

  /**
   * Reads only the {@code __metadata__} string pairs of a safetensors file (empty when it has none), checking
   * the header as {@link #read} does but without reading any tensor data.
   */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    requireNonNull(file, "file");
    try (FileChannel channel = open(file)) {
      return readHeader(channel, file.toString()).metadata();
    }
  }

  /**
   * Writes tensors as an F32 safetensors file, atomically, creating missing parent directories.
   *
   * <p>The data goes to a temporary file in the same directory, which is flushed to disk and then renamed over
   * {@code file} in one atomic step: a crash or error at any point leaves either the previous file or the new
   * one under the final name, never a partial file, and the temporary file is removed on error. The map is
   * traversed twice (once for the header, once for the data) and must not change in between. Each tensor's values
   * are read once, a chunk at a time, so tensors that are views of native memory reach the file without passing
   * through the Java heap whole.
   *
   * @param tensors the tensors, written in the map's iteration order
   * @param metadata string pairs stored under {@code __metadata__}; may be empty
   */
  public static void write(Path file, Map<String, ? extends FloatTensor> tensors, Map<String, String> metadata)
      throws IOException {
    requireNonNull(file, "file");
    requireNonNull(tensors, "tensors");
    requireNonNull(metadata, "metadata");
    checkArgument(file.toAbsolutePath().getParent() != null, "cannot write to %s: it has no parent directory",
        file);
    List<String> names = new ArrayList<>(tensors.size());
    byte[] header = encodeHeader(file.toString(), tensors, metadata, names);
    AtomicFiles.write(file, channel -> {
      writeFully(channel, ByteBuffer.wrap(header));
      writeData(channel, tensors, names);
    });
  }

  // ---------------------------------------------------------------------------------------------- reading

  private static FileChannel open(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new WeightFileException(file.toString(), null, "no such file", e);
    }
  }

  private static Header readHeader(FileChannel channel, String source) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw new WeightFileException(source, null,
          "file has " + size + " bytes, too short for the 8-byte header length of a safetensors file");
    }
    ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lengthField, 0, source, null);
    long headerLength = lengthField.getLong(0);
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new WeightFileException(source, null, "header length " + Long.toUnsignedString(headerLength)
          + " is over the " + MAX_HEADER_BYTES + "-byte limit: not a safetensors file, or corrupt");
    }
    if (headerLength > size - 8) {
      throw new WeightFileException(source, null, "header length " + headerLength
          + " is larger than the " + (size - 8) + " bytes that follow it: file truncated or not safetensors");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(channel, headerBytes, 8, source, null);
    headerBytes.flip();
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(headerBytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new WeightFileException(source, null, "header is not valid UTF-8", e);
    }
    long dataStart = 8 + headerLength;
    return parseHeader(json, source, size - dataStart, dataStart);
  }

  private static Header parseHeader(String json, String source, long dataSize, long dataStart)
      throws WeightFileException {
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      reader.beginObject();
      while (reader.hasNext()) {
        String name = reader.nextName();
        JsonElement value = JSON.read(reader);
        if (!seen.add(name)) {
          throw new WeightFileException(source, name, "appears twice in the header");
        }
        if (name.equals(METADATA_KEY)) {
          metadata = parseMetadata(value, source);
        } else {
          entries.add(parseEntry(name, value, source, dataSize));
        }
      }
      reader.endObject();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new WeightFileException(source, null, "header has content after its JSON object");
      }
    } catch (WeightFileException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new WeightFileException(source, null, "header is not a valid JSON object: " + e.getMessage(), e);
    }
    checkNoOverlap(entries, source);
    return new Header(dataStart, entries, metadata);
  }

  private static Map<String, String> parseMetadata(JsonElement value, String source)
      throws WeightFileException {
    if (!value.isJsonObject()) {
      throw new WeightFileException(source, METADATA_KEY, "must be a JSON object of strings, got " + value);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw new WeightFileException(source, METADATA_KEY,
            "value of '" + e.getKey() + "' must be a string, got " + v);
      }
      metadata.put(e.getKey(), v.getAsString());
    }
    return metadata;
  }

  private static Entry parseEntry(String name, JsonElement value, String source, long dataSize)
      throws WeightFileException {
    if (!value.isJsonObject()) {
      throw new WeightFileException(source, name, "header entry must be a JSON object, got " + value);
    }
    JsonObject o = value.getAsJsonObject();
    JsonElement dtypeJson = required(o, "dtype", source, name);
    if (!dtypeJson.isJsonPrimitive() || !dtypeJson.getAsJsonPrimitive().isString()) {
      throw new WeightFileException(source, name, "dtype must be a string, got " + dtypeJson);
    }
    String dtypeName = dtypeJson.getAsString();
    Dtype dtype = Dtype.parse(dtypeName);
    if (dtype == null) {
      throw new WeightFileException(source, name, "unsupported dtype " + dtypeName
          + " (supported: " + Arrays.toString(Dtype.values()) + ")");
    }
    long[] shape = longArray(required(o, "shape", source, name), "shape", -1, source, name);
    long[] offsets = longArray(required(o, "data_offsets", source, name), "data_offsets", 2, source, name);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw new WeightFileException(source, name,
          "data_offsets [" + begin + ", " + end + "] end before they begin");
    }
    if (end > dataSize) {
      throw new WeightFileException(source, name, "data_offsets [" + begin + ", " + end
          + "] run past the end of the data, which has " + dataSize + " bytes: file truncated?");
    }
    long elements = 1;
    long bytes;
    try {
      for (long d : shape) {
        elements = Math.multiplyExact(elements, d);
      }
      bytes = Math.multiplyExact(elements, (long) dtype.size);
    } catch (ArithmeticException e) {
      throw new WeightFileException(source, name, "shape " + Arrays.toString(shape) + " overflows", e);
    }
    if (bytes != end - begin) {
      throw new WeightFileException(source, name, "shape " + Arrays.toString(shape) + " of " + dtype
          + " needs " + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
    }
    if (elements > MAX_ELEMENTS) {
      throw new WeightFileException(source, name,
          elements + " elements are more than one Java float array can hold");
    }
    return new Entry(name, dtype, shape, (int) elements, begin, end);
  }

  private static JsonElement required(JsonObject o, String key, String source, String name)
      throws WeightFileException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new WeightFileException(source, name, "header entry has no '" + key + "'");
    }
    return e;
  }

  /** A JSON array of non-negative integers; {@code length} -1 means any length. */
  private static long[] longArray(JsonElement json, String key, int length, String source, String name)
      throws WeightFileException {
    if (!json.isJsonArray() || (length >= 0 && json.getAsJsonArray().size() != length)) {
      throw new WeightFileException(source, name, key + " must be an array of "
          + (length >= 0 ? length + " " : "") + "non-negative integers, got " + json);
    }
    JsonArray array = json.getAsJsonArray();
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement item = array.get(i);
      try {
        JsonPrimitive p = item.getAsJsonPrimitive();
        checkArgument(p.isNumber());
        out[i] = new BigDecimal(p.getAsString()).longValueExact();
        checkArgument(out[i] >= 0);
      } catch (RuntimeException e) {
        throw new WeightFileException(source, name,
            key + " must hold non-negative integers, got " + item + " in " + json);
      }
    }
    return out;
  }

  private static void checkNoOverlap(List<Entry> entries, String source) throws WeightFileException {
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.removeIf(e -> e.begin() == e.end());
    byOffset.sort(Comparator.comparingLong(Entry::begin));
    for (int i = 1; i < byOffset.size(); i++) {
      Entry previous = byOffset.get(i - 1);
      Entry current = byOffset.get(i);
      if (current.begin() < previous.end()) {
        throw new WeightFileException(source, current.name(), "data_offsets [" + current.begin() + ", "
            + current.end() + "] overlap those of tensor '" + previous.name() + "' [" + previous.begin() + ", "
            + previous.end() + "]");
      }
    }
  }

  private static float[] readValues(FileChannel channel, long dataStart, Entry e, ByteBuffer chunk,
      String source) throws IOException {
    float[] values = new float[e.elements()];
    int perChunk = chunk.capacity() / e.dtype().size;
    long position = dataStart + e.begin();
    for (int done = 0; done < values.length; ) {
      int count = Math.min(perChunk, values.length - done);
      chunk.clear().limit(count * e.dtype().size);
      readFully(channel, chunk, position, source, e.name());
      chunk.flip();
      e.dtype().decode(chunk, values, done, count);
      position += (long) count * e.dtype().size;
      done += count;
    }
    return values;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position, String source,
      String tensor) throws IOException {
    long p = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, p);
      if (n < 0) {
        throw new WeightFileException(source, tensor, "file ends at byte " + p + " while reading: truncated?");
      }
      p += n;
    }
  }

  // ---------------------------------------------------------------------------------------------- writing

  private static byte[] encodeHeader(String source, Map<String, ? extends FloatTensor> tensors,
      Map<String, String> metadata, List<String> names) throws IOException {
    StringWriter text = new StringWriter();
    JsonWriter json = new JsonWriter(text);
    json.beginObject();
    if (!metadata.isEmpty()) {
      json.name(METADATA_KEY).beginObject();
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        json.name(requireNonNull(e.getKey(), "metadata key"))
            .value(requireNonNull(e.getValue(), () -> "metadata value of " + e.getKey()));
      }
      json.endObject();
    }
    long offset = 0;
    for (Map.Entry<String, ? extends FloatTensor> e : tensors.entrySet()) {
      String name = requireNonNull(e.getKey(), "tensor name");
      FloatTensor t = requireNonNull(e.getValue(), () -> "tensor '" + name + "' is null");
      checkArgument(!name.isEmpty() && !name.equals(METADATA_KEY),
          "cannot write %s: tensor name '%s' is reserved or empty", source, name);
      long end = offset + 4L * HostTensor.elementCount(t.shape());
      json.name(name).beginObject().name("dtype").value("F32").name("shape").beginArray();
      for (long d : t.shape()) {
        json.value(d);
      }
      json.endArray().name("data_offsets").beginArray().value(offset).value(end).endArray().endObject();
      names.add(name);
      offset = end;
    }
    json.endObject();
    json.close();
    byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
    // The format asks for a header padded with spaces so the data starts 8-byte aligned.
    int padded = (utf8.length + 7) / 8 * 8;
    ByteBuffer header = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(padded).put(utf8);
    while (header.hasRemaining()) {
      header.put((byte) ' ');
    }
    return header.array();
  }

  private static void writeData(FileChannel channel, Map<String, ? extends FloatTensor> tensors,
      List<String> names) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int index = 0;
    for (Map.Entry<String, ? extends FloatTensor> e : tensors.entrySet()) {
      if (index >= names.size() || !names.get(index).equals(e.getKey())) {
        throw new IllegalStateException(
            "the tensor map changed while it was being written (at '" + e.getKey() + "')");
      }
      FloatTensor tensor = e.getValue();
      FloatBuffer values = tensor.buffer();
      long expected = HostTensor.elementCount(tensor.shape());
      if (values.remaining() != expected) {
        throw new IllegalStateException(String.format("tensor '%s' of shape %s gave %s values, not %s",
            e.getKey(), Arrays.toString(tensor.shape()), values.remaining(), expected));
      }
      while (values.hasRemaining()) {
        int count = Math.min(CHUNK_BYTES / 4, values.remaining());
        chunk.clear();
        chunk.asFloatBuffer().put(values.slice(values.position(), count));
        values.position(values.position() + count);
        chunk.limit(count * 4);
        writeFully(channel, chunk);
      }
      index++;
    }
    if (index != names.size()) {
      throw new IllegalStateException("the tensor map changed while it was being written (size)");
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
