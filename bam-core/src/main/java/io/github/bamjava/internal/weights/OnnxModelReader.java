package io.github.bamjava.internal.weights;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.weights.WeightFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the graph nodes and initializers of an ONNX model ({@code ModelProto}) with a hand-written protobuf
 * decoder, so that pretrained weights shipped as ONNX can be loaded without onnxruntime or protobuf.
 *
 * <p>Only the fields weight loading needs are decoded: {@code ModelProto.graph} (7), {@code GraphProto.node} (1)
 * and {@code initializer} (5), {@code NodeProto} input (1), output (2), name (3), op_type (4), attribute (5), and
 * the {@code TensorProto} fields. Everything else, including sub-graphs, is skipped by wire type. The whole model
 * is held in one byte array (ONNX protobufs are limited to 2 GiB anyway) and initializers stay views into it.
 */
public final class OnnxModelReader {

  private OnnxModelReader() {}

  /** Reads a model file. */
  public static OnnxGraph read(Path file) throws IOException {
    requireNonNull(file, "file");
    String source = file.toString();
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 8) {
        throw new WeightFileException(source, null,
            "file has " + size + " bytes, more than an ONNX protobuf can hold (2 GiB)");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new WeightFileException(source, null, "no such file", e);
    }
    return read(bytes, source);
  }

  /**
   * Reads a model from a stream (e.g. a classpath resource), which is read to its end but not closed.
   *
   * @param source the name to use in error messages
   */
  public static OnnxGraph read(InputStream in, String source) throws IOException {
    return read(in, -1, source);
  }

  /**
   * Reads a model from a stream of {@code size} bytes (-1 when unknown), which is read to its end but not closed.
   * A known size is read into one array of that size: reading to the end of a stream of unknown length gathers
   * the bytes in pieces and copies them into the final array, twice the 90 MB of MiniLM on the Java heap.
   *
   * @param source the name to use in error messages
   * @throws WeightFileException when the stream holds fewer or more bytes than {@code size}
   */
  public static OnnxGraph read(InputStream in, long size, String source) throws IOException {
    requireNonNull(in, "in");
    requireNonNull(source, "source");
    if (size < 0) {
      return read(in.readAllBytes(), source);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new WeightFileException(source, null,
          "has " + size + " bytes, more than an ONNX protobuf can hold (2 GiB)");
    }
    byte[] bytes = new byte[(int) size];
    int read = in.readNBytes(bytes, 0, bytes.length);
    if (read < bytes.length) {
      throw new WeightFileException(source, null, "ends after " + read + " of its " + size + " bytes: truncated");
    }
    if (in.read() >= 0) {
      throw new WeightFileException(source, null, "has more than the " + size + " bytes it announced");
    }
    return read(bytes, source);
  }

  /**
   * Reads a model from its bytes, which the returned graph keeps (not copied): do not modify them afterwards.
   *
   * @param source the name to use in error messages
   */
  public static OnnxGraph read(byte[] bytes, String source) throws WeightFileException {
    requireNonNull(bytes, "bytes");
    requireNonNull(source, "source");
    ProtoReader model = new ProtoReader(bytes, 0, bytes.length, source);
    OnnxGraph graph = null;
    while (model.hasMore()) {
      int tag = model.readTag();
      if (tag == (7 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        graph = readGraph(model.readMessage(), source);
      } else {
        model.skip(tag);
      }
    }
    if (graph == null) {
      throw new WeightFileException(source, null,
          "no graph (ModelProto field 7) found: empty, truncated, or not an ONNX model");
    }
    return graph;
  }

  private static OnnxGraph readGraph(ProtoReader r, String source) throws WeightFileException {
    List<OnnxNode> nodes = new ArrayList<>();
    Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
    while (r.hasMore()) {
      int tag = r.readTag();
      if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        nodes.add(readNode(r.readMessage(), source));
      } else if (tag == (5 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        OnnxTensor t = readTensor(r.readMessage(), source);
        if (initializers.put(t.name(), t) != null) {
          throw new WeightFileException(source, t.name(), "initializer appears twice in the graph");
        }
      } else {
        r.skip(tag);
      }
    }
    return new OnnxGraph(source, nodes, initializers);
  }

  private static OnnxNode readNode(ProtoReader r, String source) throws WeightFileException {
    String name = "";
    String opType = "";
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Map<String, OnnxAttribute> attributes = new HashMap<>();
    while (r.hasMore()) {
      int tag = r.readTag();
      switch (tag) {
        case 1 << 3 | ProtoReader.LENGTH_DELIMITED -> inputs.add(r.readString());
        case 2 << 3 | ProtoReader.LENGTH_DELIMITED -> outputs.add(r.readString());
        case 3 << 3 | ProtoReader.LENGTH_DELIMITED -> name = r.readString();
        case 4 << 3 | ProtoReader.LENGTH_DELIMITED -> opType = r.readString();
        case 5 << 3 | ProtoReader.LENGTH_DELIMITED -> {
          OnnxAttribute a = readAttribute(r.readMessage(), source);
          attributes.put(a.name(), a);
        }
        default -> r.skip(tag);
      }
    }
    return new OnnxNode(name, opType, inputs, outputs, attributes);
  }

  private static OnnxAttribute readAttribute(ProtoReader r, String source) throws WeightFileException {
    String name = "";
    int type = 0;
    float f = 0;
    long i = 0;
    String s = "";
    OnnxTensor t = null;
    while (r.hasMore()) {
      int tag = r.readTag();
      switch (tag) {
        case 1 << 3 | ProtoReader.LENGTH_DELIMITED -> name = r.readString();
        case 2 << 3 | ProtoReader.FIXED32 -> f = Float.intBitsToFloat(r.readFixed32());
        case 3 << 3 | ProtoReader.VARINT -> i = r.readVarint();
        case 4 << 3 | ProtoReader.LENGTH_DELIMITED -> s = r.readString();
        case 5 << 3 | ProtoReader.LENGTH_DELIMITED -> t = readTensor(r.readMessage(), source);
        case 20 << 3 | ProtoReader.VARINT -> type = (int) r.readVarint();
        default -> r.skip(tag);
      }
    }
    return new OnnxAttribute(name, type, f, i, s, t);
  }

  private static OnnxTensor readTensor(ProtoReader r, String source) throws WeightFileException {
    OnnxTensor.Builder b = new OnnxTensor.Builder(source);
    boolean external = false;
    while (r.hasMore()) {
      int start = r.position();
      int tag = r.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == ProtoReader.VARINT) {
        b.dims.add(r.readVarint());
      } else if (field == 1 && wire == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader packed = r.readMessage();
        while (packed.hasMore()) {
          b.dims.add(packed.readVarint());
        }
      } else if (field == 2 && wire == ProtoReader.VARINT) {
        b.dataType = (int) r.readVarint();
      } else if (field == 8 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.name = r.readString();
      } else if (field == 9 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.rawLength = r.readLength();
        b.rawOffset = r.position();
        r.advance(b.rawLength);
      } else if (field == 4 || field == 5 || field == 7 || field == 10) {
        // Typed data is decoded only if the tensor is converted; remember where it is (after the tag).
        int dataStart = r.position();
        r.skip(tag);
        b.typedData.add(new OnnxTensor.Span(tag, dataStart, r.position()));
      } else if (field == 13 && wire == ProtoReader.LENGTH_DELIMITED) {
        external = true;
        String location = externalLocation(r.readMessage());
        if (location != null) {
          b.externalLocation = location;
        }
      } else if (field == 14 && wire == ProtoReader.VARINT) {
        external |= r.readVarint() == 1;
      } else if (field == 3 && wire == ProtoReader.LENGTH_DELIMITED) {
        throw new WeightFileException(source, b.name.isEmpty() ? null : b.name,
            "segmented tensors (TensorProto.segment) are not supported, at byte " + start);
      } else {
        r.skip(tag);
      }
    }
    if (external && b.externalLocation == null) {
      b.externalLocation = "?";
    }
    return b.build(r.bytes());
  }

  /** The {@code location} value of an external_data key/value entry, or null for other keys. */
  private static String externalLocation(ProtoReader entry) throws WeightFileException {
    String key = null;
    String value = null;
    while (entry.hasMore()) {
      int tag = entry.readTag();
      if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        key = entry.readString();
      } else if (tag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        value = entry.readString();
      } else {
        entry.skip(tag);
      }
    }
    return "location".equals(key) ? value : null;
  }
}
