package dev.memorag.worker.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** The safetensors element types we read; every one is widened to FP32 on the Java side. */
public enum TensorDType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    TensorDType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Converts {@code count} little-endian elements from {@code src} (at its position) into {@code dst}. */
    void toFloats(ByteBuffer src, FloatBuffer dst, int count) {
        switch (this) {
            case F32 -> {
                for (int i = 0; i < count; i++) dst.put(src.getFloat());
            }
            case BF16 -> {
                // BF16 is the upper half of an FP32 bit pattern: widening is exact.
                for (int i = 0; i < count; i++) dst.put(Float.intBitsToFloat((src.getShort() & 0xFFFF) << 16));
            }
            case F16 -> {
                for (int i = 0; i < count; i++) dst.put(halfToFloat(src.getShort() & 0xFFFF));
            }
        }
    }

    /** IEEE half to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant / 1024f / 16384f; // subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Round-to-nearest-even FP32 to BF16 bits (used by the checkpoint writer). */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounding = ((bits >>> 16) & 1) + 0x7FFF;
        return (short) ((bits + rounding) >>> 16);
    }

    /**
     * Round-to-nearest-even FP32 to IEEE half bits. Every BF16 value within half's normal range [6.1e-5, 65504] is
     * exact; beyond 65504 gives infinity (callers refuse such values first), below it rounds to a subnormal or zero.
     */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int biased = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (biased == 0xFF) return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
        int exp = biased - 127 + 15;
        if (exp >= 0x1F) return (short) (sign | 0x7C00);
        int shift = exp > 0 ? 13 : 14 - exp;
        if (shift > 24) return (short) sign;
        int significand = exp > 0 ? mant : mant | 0x800000;
        int half = significand >> shift;
        int rest = significand & ((1 << shift) - 1);
        int mid = 1 << (shift - 1);
        if (rest > mid || (rest == mid && (half & 1) != 0)) half++;
        // A carry out of the mantissa moves into the exponent, which is the right result (up to infinity).
        return (short) (sign | (exp > 0 ? (exp << 10) + half : half));
    }

    /** The BF16 value nearest to {@code f} (round to nearest even), as a float. */
    static float roundToBf16(float f) {
        return Float.intBitsToFloat(floatToBf16(f) << 16);
    }

    /** The largest value exact in both BF16 (8-bit significand) and FP16 (max 65504, not a BF16 value). */
    static final float BF16_FP16_MAX = 65280f;

    /**
     * {@code f} rounded to BF16 and clamped to ±{@link #BF16_FP16_MAX}: what a BF16 memory row held in FP16 keeps. FP16
     * then holds it exactly, or (below 2^-16) as the nearest multiple of 2^-24, itself a BF16 value; so such a row
     * exported as BF16 and read back is the same FP16 value. Only values no trained model's keys or values reach are
     * clamped.
     */
    static float bf16ForFp16(float f) {
        return Math.max(-BF16_FP16_MAX, Math.min(BF16_FP16_MAX, roundToBf16(f)));
    }

    static TensorDType parse(String name) {
        return switch (name) {
            case "F32" -> F32;
            case "F16" -> F16;
            case "BF16" -> BF16;
            default -> null;
        };
    }
}
