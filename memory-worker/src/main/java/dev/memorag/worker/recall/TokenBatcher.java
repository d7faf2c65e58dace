package dev.memorag.worker.recall;

import java.util.function.Consumer;

/** Gathers streamed text and hands it on at most every {@code intervalMillis}, so a token is not an event each. */
final class TokenBatcher implements Consumer<String> {
    private final Consumer<String> flush;
    private final long intervalNanos;
    private final StringBuilder pending = new StringBuilder();
    private long lastFlush = System.nanoTime();

    TokenBatcher(long intervalMillis, Consumer<String> flush) {
        this.flush = flush;
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    @Override
    public void accept(String text) {
        pending.append(text);
        if (System.nanoTime() - lastFlush >= intervalNanos) {
            finish();
        }
    }

    /** Hands on whatever is left. */
    void finish() {
        if (!pending.isEmpty()) {
            flush.accept(pending.toString());
            pending.setLength(0);
        }
        lastFlush = System.nanoTime();
    }
}
