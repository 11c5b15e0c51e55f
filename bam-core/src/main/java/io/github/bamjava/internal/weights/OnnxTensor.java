package io.github.bamjava.internal.weights;

import io.github.bamjava.internal.dtype.Dtype;
import io.github.bamjava.internal.dtype.Halfs;
import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.WeightFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One ONNX {@code TensorProto} (a graph initializer or a constant), kept as a view of the model's bytes and
 * converted to float32 only when asked, so that walking a model with many initializers costs no copies.
 *
 * <p>Converts FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT64, INT32, INT16, INT8, UINT16, UINT8 and BOOL, stored as
 * {@code raw_data} or in the typed fields. Other types, and tensors kept in external data files, are an error
 * only when that tensor is converted.
 */
public final class OnnxTensor {

  /** ONNX {@code TensorProto.DataType} codes this class converts. */
  public static final int FLOAT = 1;
  public static final int UINT8 = 2;
  public static final int INT8 = 3;
  public static final int UINT16 = 4;
  public static final int INT16 = 5;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int BOOL = 9;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int BFLOAT16 = 16;

  private static final Map<Integer, Dtype> RAW_TYPES = Map.ofEntries(
      Map.entry(FLOAT, Dtype.F32), Map.entry(UINT8, Dtype.U8),
      Map.entry(INT8, Dtype.I8), Map.entry(UINT16, Dtype.U16),
      Map.entry(INT16, Dtype.I16), Map.entry(INT32, Dtype.I32),
      Map.entry(INT64, Dtype.I64), Map.entry(BOOL, Dtype.BOOL),
      Map.entry(FLOAT16, Dtype.F16), Map.entry(DOUBLE, Dtype.F64),
      Map.entry(BFLOAT16, Dtype.BF16));

  private static final String[] TYPE_NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16",
      "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128",
      "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4",
      "FLOAT4E2M1"};

  /** Where one occurrence of a typed data field (float_data, int32_data, ...) sits in the model's bytes. */
  record Span(int tag, int start, int end) {}

  private final String source;
  private final String name;
  private final int dataType;
  private final long[] dims;
  private final byte[] bytes;
  private final int rawOffset;
  private final int rawLength;
  private final List<Span> typedData;
  private final String externalLocation;

  OnnxTensor(String source, String name, int dataType, long[] dims, byte[] bytes, int rawOffset,
      int rawLength, List<Span> typedData, String externalLocation) {
    this.source = source;
    this.name = name;
    this.dataType = dataType;
    this.dims = dims;
    this.bytes = bytes;
    this.rawOffset = rawOffset;
    this.rawLength = rawLength;
    this.typedData = List.copyOf(typedData);
    this.externalLocation = externalLocation;
  }

  public String name() {
    return name;
  }

  /** The ONNX data type code (1 = FLOAT, 7 = INT64, 10 = FLOAT16, ...). */
  public int dataType() {
    return dataType;
  }

  /** The ONNX data type's name, as in the ONNX specification, for messages. */
  public String dataTypeName() {
    return dataType >= 0 && dataType < TYPE_NAMES.length ? TYPE_NAMES[dataType] : "type " + dataType;
  }

  /** The dimensions, outermost first; empty for a scalar. */
  public long[] dims() {
    return dims.clone();
  }

  /**
   * The data as float32 without a copy where it is FLOAT raw_data (what exporters write): a view of the model's
   * bytes, read when a loader reads it. Any other storage is converted as by {@link #toHostTensor}.
   */
  public FloatTensor toFloatTensor() throws WeightFileException {
    if (externalLocation != null || dataType != FLOAT || rawOffset < 0) {
      return toHostTensor();
    }
    checkRawLength(elementCount(), Float.BYTES);
    long[] shape = dims.clone();
    return new FloatTensor() {
      @Override
      public long[] shape() {
        return shape.clone();
      }

      @Override
      public FloatBuffer buffer() {
        return rawData().asFloatBuffer();
      }
    };
  }

  /** Checks that raw_data holds exactly {@code count} elements of {@code size} bytes, naming both when not. */
  private void checkRawLength(int count, int size) throws WeightFileException {
    long expected = (long) count * size;
    if (rawLength != expected) {
      throw new WeightFileException(source, name, "raw_data has " + rawLength + " bytes but dims "
          + Arrays.toString(dims) + " of " + dataTypeName() + " need " + expected);
    }
  }

  /** The raw_data bytes, little-endian as ONNX stores them. */
  private ByteBuffer rawData() {
    return ByteBuffer.wrap(bytes, rawOffset, rawLength).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Converts the data to float32, checking that it holds exactly as many elements as the dims say. */
  public HostTensor toHostTensor() throws WeightFileException {
    if (externalLocation != null) {
      throw new WeightFileException(source, name, "data is stored outside the model, in external file '"
          + externalLocation + "', which this reader does not support: re-export the model as one file");
    }
    Dtype dtype = RAW_TYPES.get(dataType);
    if (dtype == null) {
      throw new WeightFileException(source, name,
          "unsupported data type " + dataTypeName() + " (supported: FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT64, "
              + "INT32, INT16, INT8, UINT16, UINT8, BOOL)");
    }
    int count = elementCount();
    // Sizes are checked against the bytes actually present before allocating, so corrupt dims cannot
    // trigger a multi-gigabyte allocation.
    float[] values;
    if (rawOffset >= 0) {
      checkRawLength(count, dtype.size);
      values = new float[count];
      dtype.decode(rawData(), values, 0, count);
    } else {
      long present = typedBytes();
      if (present < count) {
        throw new WeightFileException(source, name, "holds at most " + present + " values but dims "
            + Arrays.toString(dims) + " need " + count);
      }
      values = new float[count];
      int filled = readTyped(values);
      if (filled != count) {
        throw new WeightFileException(source, name, "holds " + filled + " values but dims "
            + Arrays.toString(dims) + " need " + count);
      }
    }
    return new HostTensor(dims.clone(), values);
  }

  private int elementCount() throws WeightFileException {
    long n = 1;
    try {
      for (long d : dims) {
        if (d < 0) {
          throw new WeightFileException(source, name, "negative dimension in " + Arrays.toString(dims));
        }
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      throw new WeightFileException(source, name, "dims " + Arrays.toString(dims) + " overflow", e);
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new WeightFileException(source, name, n + " elements are more than one Java array can hold");
    }
    return (int) n;
  }

  /** The typed data field that holds values of this tensor's type. */
  private int typedField() {
    return switch (dataType) {
      case FLOAT -> 4;
      case INT64 -> 7;
      case DOUBLE -> 10;
      default -> 5; // int32_data also carries the smaller integer types and the 16-bit float bit patterns
    };
  }

  /** Bytes in the matching typed field: an upper bound on its number of values (each takes at least one). */
  private long typedBytes() {
    long bytes = 0;
    for (Span span : typedData) {
      if (span.tag() >>> 3 == typedField()) {
        bytes += span.end() - span.start();
      }
    }
    return bytes;
  }

  /** Decodes the typed data fields that match the data type; returns how many values there were. */
  private int readTyped(float[] out) throws WeightFileException {
    int field = typedField();
    int filled = 0;
    for (Span span : typedData) {
      if (span.tag() >>> 3 != field) {
        continue;
      }
      ProtoReader r = new ProtoReader(bytes, span.start(), span.end(), source);
      int wire = span.tag() & 7;
      if (wire == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader packed = r.readMessage();
        while (packed.hasMore()) {
          filled = put(out, filled, element(packed, wire(field)));
        }
      } else {
        filled = put(out, filled, element(r, wire));
      }
    }
    return filled;
  }

  private static int wire(int field) {
    return switch (field) {
      case 4 -> ProtoReader.FIXED32;
      case 10 -> ProtoReader.FIXED64;
      default -> ProtoReader.VARINT;
    };
  }

  private float element(ProtoReader r, int wire) throws WeightFileException {
    switch (wire) {
      case ProtoReader.FIXED32:
        return Float.intBitsToFloat(r.readFixed32());
      case ProtoReader.FIXED64:
        return (float) Double.longBitsToDouble(r.readFixed64());
      case ProtoReader.VARINT:
        long v = r.readVarint();
        return switch (dataType) {
          case FLOAT16 -> Halfs.f16ToFloat((int) v);
          case BFLOAT16 -> Halfs.bf16ToFloat((int) v);
          case BOOL -> v != 0 ? 1f : 0f;
          case INT64 -> (float) v;
          default -> (float) (int) v;
        };
      default:
        throw new WeightFileException(source, name, "typed data has wire type " + wire);
    }
  }

  private int put(float[] out, int index, float value) throws WeightFileException {
    if (index >= out.length) {
      throw new WeightFileException(source, name, "holds more values than dims " + Arrays.toString(dims)
          + " allow");
    }
    out[index] = value;
    return index + 1;
  }

  @Override
  public String toString() {
    return "OnnxTensor[" + name + ", " + dataTypeName() + Arrays.toString(dims) + "]";
  }

  /** Collects the fields of one TensorProto as they are met on the wire. */
  static final class Builder {
    private final String source;
    String name = "";
    int dataType;
    final List<Long> dims = new ArrayList<>();
    int rawOffset = -1;
    int rawLength;
    final List<Span> typedData = new ArrayList<>();
    String externalLocation;

    Builder(String source) {
      this.source = source;
    }

    OnnxTensor build(byte[] bytes) {
      long[] d = dims.stream().mapToLong(Long::longValue).toArray();
      return new OnnxTensor(source, name, dataType, d, bytes, rawOffset, rawLength, typedData,
          externalLocation);
    }
  }
}
