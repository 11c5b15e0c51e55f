package io.github.bamjava.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  @TempDir Path dir;

  private static HostTensor tensor(long[] shape, float... values) {
    return new HostTensor(shape, values);
  }

  // ------------------------------------------------------------------------------------------ round trip

  @Test
  void roundTripIsBitIdentical() throws IOException {
    LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("b.matrix", tensor(new long[] {2, 3}, 1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc01234)));
    tensors.put("a.scalar", tensor(new long[] {}, 3.25f));
    tensors.put("c.empty", tensor(new long[] {0, 3}));
    tensors.put("d.vector", tensor(new long[] {3}, 0.1f, 0.2f, 0.3f));
    Path file = dir.resolve("model.safetensors");

    SafeTensors.write(file, tensors, Map.of("format", "pt", "note", "ünïcode \"quoted\""));
    LinkedHashMap<String, HostTensor> back = SafeTensors.read(file);

    assertThat(back).isEqualTo(tensors);
    assertThat(back.keySet()).containsExactly("b.matrix", "a.scalar", "c.empty", "d.vector");
    float[] original = tensors.get("b.matrix").values();
    float[] read = back.get("b.matrix").values();
    for (int i = 0; i < original.length; i++) {
      assertThat(Float.floatToRawIntBits(read[i])).isEqualTo(Float.floatToRawIntBits(original[i]));
    }
    assertThat(SafeTensors.readMetadata(file))
        .containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "note", "ünïcode \"quoted\""));
  }

  /** A tensor whose values lie outside the Java heap, in the platform's byte order, as libtorch's do. */
  private record DirectTensor(long[] shape, FloatBuffer buffer) implements FloatTensor {
    static DirectTensor of(HostTensor t, int extra) {
      FloatBuffer direct = ByteBuffer.allocateDirect(4 * (t.values().length + extra))
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
      direct.put(t.values()).put(new float[extra]).flip();
      return new DirectTensor(t.shape(), direct);
    }
  }

  @Test
  void tensorsOutsideTheHeapAreWrittenByteForByteAsOnIt() throws IOException {
    LinkedHashMap<String, HostTensor> onHeap = new LinkedHashMap<>();
    onHeap.put("b.matrix", tensor(new long[] {2, 3}, 1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc01234)));
    onHeap.put("c.empty", tensor(new long[] {0, 3}));
    // Over one chunk of the writer, so chunks are taken from the middle of a buffer.
    float[] big = new float[(1 << 18) * 3 + 5];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.25f - 3;
    }
    onHeap.put("d.big", new HostTensor(new long[] {big.length}, big));
    LinkedHashMap<String, FloatTensor> direct = new LinkedHashMap<>();
    onHeap.forEach((name, t) -> direct.put(name, DirectTensor.of(t, 0)));
    Path heapFile = dir.resolve("heap.safetensors");
    Path directFile = dir.resolve("direct.safetensors");

    SafeTensors.write(heapFile, onHeap, Map.of("format", "pt"));
    SafeTensors.write(directFile, direct, Map.of("format", "pt"));

    assertThat(Files.readAllBytes(directFile)).isEqualTo(Files.readAllBytes(heapFile));
    assertThat(SafeTensors.read(directFile)).isEqualTo(onHeap);
  }

  @Test
  void aTensorGivingMoreOrFewerValuesThanItsShapeIsAnErrorAndWritesNothing() {
    HostTensor w = tensor(new long[] {2, 2}, 1f, 2f, 3f, 4f);
    Path file = dir.resolve("w.safetensors");
    assertThatThrownBy(() -> SafeTensors.write(file, Map.of("w", DirectTensor.of(w, 1)), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'w'").hasMessageContaining("[2, 2]").hasMessageContaining("5 values");
    assertThat(file).doesNotExist();
  }

  @Test
  void shapesCanBeReadWithoutTheTensors() throws IOException {
    LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("w", tensor(new long[] {2, 3}, 1f, 2f, 3f, 4f, 5f, 6f));
    tensors.put("s", tensor(new long[] {}, 3.25f));
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, tensors, Map.of());
    assertThat(SafeTensors.readShapes(file)).containsOnlyKeys("w", "s");
    assertThat(SafeTensors.readShapes(file).get("w")).containsExactly(2, 3);
    assertThat(SafeTensors.readShapes(file).get("s")).isEmpty();
  }

  @Test
  void headerIsPaddedToEightBytes() throws IOException {
    Path file = dir.resolve("x.safetensors");
    SafeTensors.write(file, Map.of("odd", tensor(new long[] {1}, 1f)), Map.of());
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    assertThat(bytes.length).isEqualTo(8 + headerLength + 4);
    assertThat(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8)).startsWith("{")
        .doesNotContain("__metadata__");
  }

  @Test
  void writingCreatesMissingParentDirectories() throws IOException {
    Path file = dir.resolve("a/b/x.safetensors");
    SafeTensors.write(file, Map.of("w", tensor(new long[] {1}, 2f)), Map.of());
    assertThat(SafeTensors.read(file)).containsOnlyKeys("w");
  }

  @Test
  void emptyMetadataAndEmptyFileRoundTrip() throws IOException {
    Path file = dir.resolve("empty.safetensors");
    SafeTensors.write(file, Map.of(), Map.of());
    assertThat(SafeTensors.read(file)).isEmpty();
    assertThat(SafeTensors.readMetadata(file)).isEmpty();
  }

  @Test
  void writeRejectsReservedNames() {
    assertThatThrownBy(() -> SafeTensors.write(dir.resolve("r.safetensors"),
        Map.of("__metadata__", tensor(new long[] {1}, 1f)), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("__metadata__").hasMessageContaining("r.safetensors");
    assertThat(dir.toFile().list()).isEmpty();
  }

  // --------------------------------------------------------------------------- hand-written dtypes

  /** Writes a safetensors file from a raw header and data, as another library would. */
  private Path rawFile(String name, String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json).put(data);
    Path file = dir.resolve(name);
    Files.write(file, b.array());
    return file;
  }

  private static byte[] shorts(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
        + "," + end + "]}";
  }

  @Test
  void readsF16IncludingSubnormalsAndInfinity() throws IOException {
    Path file = rawFile("f16.safetensors", "{" + entry("h", "F16", "[7]", 0, 14) + "}",
        shorts(0x3c00, 0xc100, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x03ff));
    float[] v = SafeTensors.read(file).get("h").values();
    assertThat(v).containsExactly(1f, -2.5f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY, 1023 * 0x1p-24f);
    assertThat(Float.floatToRawIntBits(v[4])).isEqualTo(0x80000000);
    assertThat(SafeTensors.read(rawFile("nan.safetensors", "{" + entry("n", "F16", "[]", 0, 2) + "}",
        shorts(0x7e00))).get("n").values()[0]).isNaN();
  }

  @Test
  void readsBf16() throws IOException {
    Path file = rawFile("bf16.safetensors", "{" + entry("b", "BF16", "[2,2]", 0, 8) + "}",
        shorts(0x3f80, 0xc020, 0x7f7f, 0x0001));
    HostTensor t = SafeTensors.read(file).get("b");
    assertThat(t.shape()).containsExactly(2, 2);
    assertThat(t.values()).containsExactly(1f, -2.5f, Float.intBitsToFloat(0x7f7f0000),
        Float.intBitsToFloat(0x00010000));
  }

  @Test
  void readsIntegerFloatAndBoolTypes() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(24 + 16 + 8 + 4 + 2 + 2 + 2).order(ByteOrder.LITTLE_ENDIAN);
    data.putLong(1).putLong(-3).putLong(1L << 40); // I64 [0, 24)
    data.putDouble(-2.5).putDouble(1e300); // F64 [24, 40)
    data.putInt(-7).putInt(123456); // I32 [40, 48)
    data.putShort((short) -300).putShort((short) 300); // I16 [48, 52)
    data.put((byte) -128).put((byte) 127); // I8 [52, 54)
    data.put((byte) 0xff).put((byte) 0); // U8 [54, 56)
    data.put((byte) 1).put((byte) 0); // BOOL [56, 58)
    String header = "{" + String.join(",",
        entry("i64", "I64", "[3]", 0, 24), entry("f64", "F64", "[2]", 24, 40),
        entry("i32", "I32", "[2]", 40, 48), entry("i16", "I16", "[2]", 48, 52),
        entry("i8", "I8", "[2]", 52, 54), entry("u8", "U8", "[2]", 54, 56),
        entry("bool", "BOOL", "[2]", 56, 58)) + "}";
    LinkedHashMap<String, HostTensor> t = SafeTensors.read(rawFile("ints.safetensors", header, data.array()));
    assertThat(t.get("i64").values()).containsExactly(1f, -3f, (float) (1L << 40));
    assertThat(t.get("f64").values()).containsExactly(-2.5f, Float.POSITIVE_INFINITY);
    assertThat(t.get("i32").values()).containsExactly(-7f, 123456f);
    assertThat(t.get("i16").values()).containsExactly(-300f, 300f);
    assertThat(t.get("i8").values()).containsExactly(-128f, 127f);
    assertThat(t.get("u8").values()).containsExactly(255f, 0f);
    assertThat(t.get("bool").values()).containsExactly(1f, 0f);
  }

  @Test
  void readsTensorsLargerThanOneChunk() throws IOException {
    float[] values = new float[700_000]; // 2.8 MB: several read chunks
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5f;
    }
    Path file = dir.resolve("big.safetensors");
    SafeTensors.write(file, Map.of("big", tensor(new long[] {700, 1000}, values)), Map.of());
    assertThat(SafeTensors.read(file).get("big").values()).isEqualTo(values);
  }

  // ------------------------------------------------------------------------------------ bad input

  private static void assertBad(Path file, String... fragments) {
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining(file.getFileName().toString())
        .hasMessageContainingAll(fragments);
  }

  @Test
  void missingFile() {
    assertBad(dir.resolve("absent.safetensors"), "no such file");
    assertThatThrownBy(() -> SafeTensors.readMetadata(dir.resolve("absent.safetensors")))
        .isInstanceOf(WeightFileException.class).hasMessageContaining("absent.safetensors");
  }

  @Test
  void fileShorterThanLengthField() throws IOException {
    Path file = dir.resolve("short.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    assertBad(file, "3 bytes");
  }

  @Test
  void headerLengthLargerThanFileOrAbsurd() throws IOException {
    Path tooLong = dir.resolve("toolong.safetensors");
    Files.write(tooLong, ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
    assertBad(tooLong, "header length 1000", "10 bytes");

    Path absurd = dir.resolve("absurd.safetensors");
    Files.write(absurd, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    assertBad(absurd, "header length " + (1L << 40), "limit");

    Path negative = dir.resolve("negative.safetensors");
    Files.write(negative, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
    assertBad(negative, "18446744073709551615");
  }

  @Test
  void malformedJson() throws IOException {
    assertBad(rawFile("trunc.safetensors", "{\"a\": {\"dtype\": ", new byte[0]), "not a valid JSON");
    assertBad(rawFile("array.safetensors", "[1, 2]", new byte[0]), "not a valid JSON");
    assertBad(rawFile("trailing.safetensors", "{} {}", new byte[0]), "JSON");
    assertBad(rawFile("lenient.safetensors", "{a: 1}", new byte[0]), "not a valid JSON");
    Path notUtf8 = dir.resolve("latin1.safetensors");
    Files.write(notUtf8, ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putLong(2)
        .put((byte) 0xc3).put((byte) 0x28).array());
    assertBad(notUtf8, "UTF-8");
  }

  @Test
  void entryMissingAField() throws IOException {
    assertBad(rawFile("nodtype.safetensors", "{\"w.x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
        "'w.x'", "'dtype'");
    assertBad(rawFile("noshape.safetensors", "{\"w.y\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}",
        new byte[4]), "'w.y'", "'shape'");
    assertBad(rawFile("nooffsets.safetensors", "{\"w.z\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]),
        "'w.z'", "'data_offsets'");
    assertBad(rawFile("notobject.safetensors", "{\"w.o\": 5}", new byte[0]), "'w.o'", "JSON object");
  }

  @Test
  void badShapesAndOffsets() throws IOException {
    assertBad(rawFile("negdim.safetensors", "{" + entry("neg", "F32", "[-1]", 0, 4) + "}", new byte[4]),
        "'neg'", "shape");
    assertBad(rawFile("fracdim.safetensors", "{" + entry("frac", "F32", "[1.5]", 0, 4) + "}", new byte[4]),
        "'frac'", "shape");
    assertBad(rawFile("oob.safetensors", "{" + entry("far", "F32", "[4]", 0, 16) + "}", new byte[8]),
        "'far'", "past the end", "8 bytes");
    assertBad(rawFile("backwards.safetensors", "{" + entry("back", "F32", "[1]", 8, 4) + "}", new byte[8]),
        "'back'", "[8, 4]");
    assertBad(rawFile("size.safetensors", "{" + entry("sz", "F32", "[3]", 0, 8) + "}", new byte[8]),
        "'sz'", "needs 12 bytes", "hold 8");
    assertBad(rawFile("overflow.safetensors",
        "{" + entry("huge", "F32", "[4294967296,4294967296]", 0, 8) + "}", new byte[8]), "'huge'", "overflow");
    assertBad(rawFile("overlap.safetensors", "{" + entry("first", "F32", "[2]", 0, 8) + ","
        + entry("second", "F32", "[2]", 4, 12) + "}", new byte[12]), "'second'", "'first'", "overlap");
    assertBad(rawFile("dup.safetensors", "{" + entry("twice", "F32", "[1]", 0, 4) + ","
        + entry("twice", "F32", "[1]", 4, 8) + "}", new byte[8]), "'twice'", "twice");
    assertBad(rawFile("meta.safetensors", "{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__", "'k'");
  }

  @Test
  void unsupportedDtypeNamesDtypeAndTensor() throws IOException {
    Path file = rawFile("fp8.safetensors", "{" + entry("enc.fp8", "F8_E4M3", "[4]", 0, 4) + "}", new byte[4]);
    assertBad(file, "'enc.fp8'", "F8_E4M3");
  }

  @Test
  void zeroSizeTensorsMayShareAnOffset() throws IOException {
    Path file = rawFile("zeros.safetensors", "{" + entry("z1", "F32", "[0]", 4, 4) + ","
        + entry("z2", "F16", "[2,0]", 4, 4) + "," + entry("one", "F32", "[1]", 0, 4) + "}", new byte[4]);
    assertThat(SafeTensors.read(file)).containsOnlyKeys("z1", "z2", "one");
  }

  // ---------------------------------------------------------------------------------------- atomicity

  /** A map whose second traversal fails after one entry, as a crash half-way through the data would. */
  private static Map<String, HostTensor> failingOnSecondPass(Map<String, HostTensor> content) {
    return new LinkedHashMap<>(content) {
      private int passes;

      @Override
      public Set<Map.Entry<String, HostTensor>> entrySet() {
        Set<Map.Entry<String, HostTensor>> real = super.entrySet();
        boolean fail = ++passes >= 2;
        return new AbstractSet<>() {
          @Override
          public Iterator<Map.Entry<String, HostTensor>> iterator() {
            Iterator<Map.Entry<String, HostTensor>> it = real.iterator();
            return new Iterator<>() {
              int served;

              @Override
              public boolean hasNext() {
                return it.hasNext();
              }

              @Override
              public Map.Entry<String, HostTensor> next() {
                if (fail && served++ == 1) {
                  throw new IllegalStateException("simulated crash");
                }
                return it.next();
              }
            };
          }

          @Override
          public int size() {
            return real.size();
          }
        };
      }
    };
  }

  private List<String> dirListing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void failureMidWriteKeepsPreviousFileAndLeavesNoTemp() throws IOException {
    Path file = dir.resolve("ckpt.safetensors");
    Map<String, HostTensor> previous = Map.of("w", tensor(new long[] {2}, 1f, 2f));
    SafeTensors.write(file, previous, Map.of("step", "1"));
    byte[] before = Files.readAllBytes(file);

    LinkedHashMap<String, HostTensor> next = new LinkedHashMap<>();
    next.put("a", tensor(new long[] {3}, 1f, 2f, 3f));
    next.put("b", tensor(new long[] {3}, 4f, 5f, 6f));
    next.put("c", tensor(new long[] {1}, 7f));
    assertThatThrownBy(() -> SafeTensors.write(file, failingOnSecondPass(next), Map.of("step", "2")))
        .hasMessageContaining("simulated crash");

    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(SafeTensors.read(file)).isEqualTo(previous);
    assertThat(dirListing()).containsExactly("ckpt.safetensors");
  }

  @Test
  void failedRenameLeavesNoTemp() throws IOException {
    Path target = dir.resolve("occupied");
    Files.createDirectory(target);
    Files.writeString(target.resolve("inside"), "x");
    assertThatThrownBy(() -> SafeTensors.write(target, Map.of("w", tensor(new long[] {1}, 1f)), Map.of()))
        .isInstanceOf(IOException.class);
    assertThat(dirListing()).containsExactly("occupied");
  }

  @Test
  void readOnlyDirectoryKeepsPreviousFile() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("ro"));
    Path file = sub.resolve("m.safetensors");
    Map<String, HostTensor> previous = Map.of("w", tensor(new long[] {1}, 1f));
    SafeTensors.write(file, previous, Map.of());
    assumeTrue(sub.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeTrue(!Files.isWritable(sub), "permissions are not enforced for this user (root?)");
      assertThatThrownBy(() -> SafeTensors.write(file, Map.of("w", tensor(new long[] {1}, 2f)), Map.of()))
          .isInstanceOf(IOException.class);
      assertThat(SafeTensors.read(file)).isEqualTo(previous);
      try (Stream<Path> s = Files.list(sub)) {
        assertThat(s.count()).isEqualTo(1);
      }
    } finally {
      Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
