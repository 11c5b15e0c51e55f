package io.github.bamjava.internal.dtype;

/**
 * Half-precision to float32 conversion, by hand because {@code Float.float16ToFloat} only arrived in Java 20.
 *
 * <p>Both conversions are exact: every F16 and BF16 value is representable in float32.
 */
public final class Halfs {

  private Halfs() {}

  /** IEEE 754 binary16 bits (in the low 16 bits of {@code bits}) to float, keeping subnormals, infinities, NaN. */
  public static float f16ToFloat(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0) {
      // Subnormal (or zero): value = mantissa * 2^-24, exact in float32 because float32 has more range.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1f) {
      // Infinity or NaN; the NaN payload is kept in the top mantissa bits.
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    // Rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** bfloat16 bits (low 16 bits of {@code bits}) to float: bfloat16 is the upper half of a float32. */
  public static float bf16ToFloat(int bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
