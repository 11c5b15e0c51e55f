package io.github.bamjava.internal.weights;

import io.github.bamjava.weights.WeightFileException;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over protobuf wire-format bytes: just enough of the encoding to walk an ONNX model without a
 * protobuf library (which would pull a large dependency and generated classes for one file format).
 *
 * <p>Every length is checked against the bytes that remain, so corrupt input gives a
 * {@link WeightFileException} with the byte position, never an out-of-bounds error or a huge allocation.
 */
final class ProtoReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int FIXED32 = 5;

  /** Deeper group nesting than this is an attack or garbage, and would otherwise risk a stack overflow. */
  private static final int MAX_GROUP_DEPTH = 64;

  private final byte[] bytes;
  private final String source;
  private final int limit;
  private int position;

  ProtoReader(byte[] bytes, int offset, int limit, String source) {
    this.bytes = bytes;
    this.position = offset;
    this.limit = limit;
    this.source = source;
  }

  boolean hasMore() {
    return position < limit;
  }

  int position() {
    return position;
  }

  byte[] bytes() {
    return bytes;
  }

  /** Reads a field tag; the field number is {@code tag >>> 3}, the wire type {@code tag & 7}. */
  int readTag() throws WeightFileException {
    int at = position;
    long tag = readVarint();
    int wire = (int) (tag & 7);
    long field = tag >>> 3;
    if (field == 0 || field > 0x1fffffff || wire > FIXED32) {
      throw error("invalid field tag " + tag + " at byte " + at);
    }
    return (int) tag;
  }

  long readVarint() throws WeightFileException {
    int at = position;
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= limit) {
        throw error("varint at byte " + at + " runs past the end of its message");
      }
      byte b = bytes[position++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw error("varint at byte " + at + " is longer than 10 bytes");
  }

  int readFixed32() throws WeightFileException {
    require(4);
    int v = (bytes[position] & 0xff) | (bytes[position + 1] & 0xff) << 8
        | (bytes[position + 2] & 0xff) << 16 | (bytes[position + 3] & 0xff) << 24;
    position += 4;
    return v;
  }

  long readFixed64() throws WeightFileException {
    long low = readFixed32() & 0xffffffffL;
    long high = readFixed32() & 0xffffffffL;
    return low | high << 32;
  }

  /** Reads the length prefix of a length-delimited field, checked against the bytes that remain. */
  int readLength() throws WeightFileException {
    int at = position;
    long length = readVarint();
    if (length < 0 || length > limit - position) {
      throw error("length " + length + " at byte " + at + " is larger than the " + (limit - position)
          + " bytes left in its message: truncated or not an ONNX file");
    }
    return (int) length;
  }

  /** A reader over the next length-delimited field's bytes; this reader moves past them. */
  ProtoReader readMessage() throws WeightFileException {
    int length = readLength();
    ProtoReader sub = new ProtoReader(bytes, position, position + length, source);
    position += length;
    return sub;
  }

  String readString() throws WeightFileException {
    int length = readLength();
    String s = new String(bytes, position, length, StandardCharsets.UTF_8);
    position += length;
    return s;
  }

  /** Moves past {@code n} bytes whose length {@link #readLength} has already checked. */
  void advance(int n) {
    position += n;
  }

  /** Skips the value of a field whose tag was just read. */
  void skip(int tag) throws WeightFileException {
    skip(tag, 0);
  }

  private void skip(int tag, int depth) throws WeightFileException {
    switch (tag & 7) {
      case VARINT -> readVarint();
      case FIXED64 -> require(8, 8);
      case FIXED32 -> require(4, 4);
      case LENGTH_DELIMITED -> {
        int length = readLength();
        position += length;
      }
      case START_GROUP -> {
        if (depth >= MAX_GROUP_DEPTH) {
          throw error("groups nested more than " + MAX_GROUP_DEPTH + " deep at byte " + position);
        }
        while (true) {
          if (!hasMore()) {
            throw error("group of field " + (tag >>> 3) + " is never closed");
          }
          int inner = readTag();
          if ((inner & 7) == END_GROUP) {
            if (inner >>> 3 != tag >>> 3) {
              throw error("group of field " + (tag >>> 3) + " closed as field " + (inner >>> 3));
            }
            return;
          }
          skip(inner, depth + 1);
        }
      }
      default -> throw error("unexpected end of group (field " + (tag >>> 3) + ") at byte " + position);
    }
  }

  private void require(int n) throws WeightFileException {
    if (n > limit - position) {
      throw error(n + "-byte value at byte " + position + " runs past the end of its message");
    }
  }

  private void require(int n, int advance) throws WeightFileException {
    require(n);
    position += advance;
  }

  WeightFileException error(String problem) {
    return new WeightFileException(source, null, "malformed protobuf: " + problem);
  }
}
