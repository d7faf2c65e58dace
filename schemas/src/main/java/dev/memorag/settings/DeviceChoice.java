package dev.memorag.settings;

/** Where the memory model runs ({@code MEMORAG_DEVICE}). */
public enum DeviceChoice implements Choice {
    CPU,
    CUDA,
    /** CUDA when PyTorch sees a GPU, else the CPU. */
    AUTO
}
