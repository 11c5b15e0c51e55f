package io.github.bamjava.internal.dtype;

import java.nio.ByteBuffer;

/**
 * The stored element types that weight readers convert to float32, named as in safetensors, with their sizes in
 * bytes. Shared by the safetensors and ONNX readers so that both convert a value the same way.
 */
public enum Dtype {
  F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1);

  /** The size of one element in bytes. */
  public final int size;

  Dtype(int size) {
    this.size = size;
  }

  /** The dtype with this safetensors name, or null. */
  public static Dtype parse(String name) {
    for (Dtype d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** Converts {@code count} little-endian elements from {@code in} (advanced past them) into {@code out}. */
  public void decode(ByteBuffer in, float[] out, int offset, int count) {
    switch (this) {
      case F32 -> in.asFloatBuffer().get(out, offset, count);
      case F64 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = (float) in.getDouble();
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = Halfs.f16ToFloat(in.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = Halfs.bf16ToFloat(in.getShort());
        }
      }
      case I64 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = in.getLong();
        }
      }
      case U64 -> {
        for (int i = 0; i < count; i++) {
          long v = in.getLong();
          out[offset + i] = v >= 0 ? v : (float) (v >>> 1) * 2f;
        }
      }
      case I32 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = in.getInt();
        }
      }
      case U32 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = Integer.toUnsignedLong(in.getInt());
        }
      }
      case I16 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = in.getShort();
        }
      }
      case U16 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = Short.toUnsignedInt(in.getShort());
        }
      }
      case I8 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = in.get();
        }
      }
      case U8 -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = Byte.toUnsignedInt(in.get());
        }
      }
      case BOOL -> {
        for (int i = 0; i < count; i++) {
          out[offset + i] = in.get() != 0 ? 1f : 0f;
        }
      }
    }
  }
}
