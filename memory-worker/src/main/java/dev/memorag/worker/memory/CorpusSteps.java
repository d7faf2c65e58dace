package dev.memorag.worker.memory;

import dev.memorag.health.Health;
import dev.memorag.worker.store.CorpusStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread a memorizer runs on: it gives every corpus in the store one step in turn, and when no corpus had work it
 * sleeps until woken (new passages) or a second passes. A step handles its corpus's own failures; one that escapes is
 * the store failing, and stops the loop with its health part failed.
 */
public final class CorpusSteps implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CorpusSteps.class);

    /** One unit of work for a corpus; false if it had none. */
    @FunctionalInterface
    public interface Step {
        boolean step(String corpus) throws InterruptedException;
    }

    private final CorpusStore store;
    private final Step step;
    private final Thread thread;
    private volatile boolean running = true;
    private Health.Part health;
    private boolean woken;

    public CorpusSteps(String name, CorpusStore store, Step step) {
        this.store = store;
        this.step = step;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    /** Starts the loop; {@code health} hears when it runs and if it stops for good. */
    public void start(Health.Part health) {
        this.health = health;
        thread.start();
    }

    /** New passages are in the store. */
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    @Override
    public void run() {
        health.up();
        try {
            while (running) {
                boolean worked = false;
                for (String corpus : store.corpora()) {
                    if (!running) {
                        return;
                    }
                    worked |= step.step(corpus);
                }
                if (!worked) {
                    synchronized (this) {
                        if (!woken) {
                            wait(1000);
                        }
                        woken = false;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("{} stopped: {}", thread.getName(), e.getMessage(), e);
            health.failed(e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
