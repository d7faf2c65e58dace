package dev.memorag.worker.store;

/** The corpus store cannot be opened, read or written. */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
