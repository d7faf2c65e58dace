package dev.memorag.settings;

/** What the memory model holds ({@code MEMORAG_DTYPE}). */
public enum Dtype implements Choice {
    /** BF16 on CUDA; on CPU BF16 only when the FP32 weights would take more than half the machine's memory. */
    AUTO,
    FP32,
    BF16
}
