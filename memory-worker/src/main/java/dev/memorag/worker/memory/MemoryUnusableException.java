package dev.memorag.worker.memory;

/** A corpus's persisted memory cannot be used: written by another model, or a row is corrupt or truncated. */
public final class MemoryUnusableException extends RuntimeException {
    public MemoryUnusableException(String message) {
        super(message);
    }
}
