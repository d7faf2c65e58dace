package dev.memorag.worker.model;

/** A checkpoint could not be loaded; the message names the file and, where relevant, the tensor. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
