package dev.memorag.worker.store;

import org.rocksdb.RocksDBException;

/** The corpus store cannot be opened, read or written. */
public final class StoreException extends RuntimeException {
    private final boolean transientFailure;

    public StoreException(String message) {
        super(message);
        this.transientFailure = false;
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
        this.transientFailure = cause instanceof RocksDBException e
                && e.getStatus() != null
                && switch (e.getStatus().getCode()) {
                    case Busy, TryAgain, TimedOut, Incomplete -> true;
                    default -> false;
                };
    }

    /** RocksDB was busy or timed out: the same call may succeed when retried. */
    public boolean isTransient() {
        return transientFailure;
    }
}
