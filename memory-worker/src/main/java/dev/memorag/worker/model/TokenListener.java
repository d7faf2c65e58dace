package dev.memorag.worker.model;

/** Receives each generated token as it is produced; returning false stops generation. */
@FunctionalInterface
public interface TokenListener {
    boolean onToken(int tokenId);
}
