package io.github.bamjava.internal.weights;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Protobuf wire-format encoding for tests: builds ONNX models by hand, field by field. */
final class ProtoWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  byte[] toBytes() {
    return out.toByteArray();
  }

  ProtoWriter tag(int field, int wire) {
    rawVarint((long) field << 3 | wire);
    return this;
  }

  ProtoWriter rawVarint(long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  ProtoWriter rawFixed32(int v) {
    for (int i = 0; i < 4; i++) {
      out.write(v >>> (8 * i));
    }
    return this;
  }

  ProtoWriter rawFixed64(long v) {
    rawFixed32((int) v);
    return rawFixed32((int) (v >>> 32));
  }

  ProtoWriter varint(int field, long v) {
    return tag(field, ProtoReader.VARINT).rawVarint(v);
  }

  ProtoWriter fixed32(int field, int v) {
    return tag(field, ProtoReader.FIXED32).rawFixed32(v);
  }

  ProtoWriter fixed64(int field, long v) {
    return tag(field, ProtoReader.FIXED64).rawFixed64(v);
  }

  ProtoWriter bytes(int field, byte[] b) {
    tag(field, ProtoReader.LENGTH_DELIMITED).rawVarint(b.length);
    out.write(b, 0, b.length);
    return this;
  }

  ProtoWriter string(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter message(int field, ProtoWriter m) {
    return bytes(field, m.toBytes());
  }

  ProtoWriter packedVarints(int field, long... values) {
    ProtoWriter p = new ProtoWriter();
    for (long v : values) {
      p.rawVarint(v);
    }
    return bytes(field, p.toBytes());
  }

  ProtoWriter packedFloats(int field, float... values) {
    ProtoWriter p = new ProtoWriter();
    for (float v : values) {
      p.rawFixed32(Float.floatToRawIntBits(v));
    }
    return bytes(field, p.toBytes());
  }

  /** A group (deprecated wire types 3 and 4) holding one varint, which readers must still skip. */
  ProtoWriter group(int field) {
    tag(field, ProtoReader.START_GROUP);
    varint(1, 42);
    return tag(field, ProtoReader.END_GROUP);
  }
}
