package dev.memorag.worker.memory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lets questions pre-empt memory extension, within a bound. Recall marks each question in flight, and the memorizer
 * waits for none to be in flight before it starts a window, so a question waits for at most the one window being
 * computed. Under a steady question load that moment may never come: once the memorizer has waited its
 * {@code patience}, new questions wait until its window has started, and it gets a window between the questions
 * already running and the next ones. Memorization thus keeps a share of the worker however busy it is.
 */
public final class QuestionGate {
    /** How long memorization yields to questions before it takes its turn. */
    public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(2);

    private final long patienceNanos;
    private int inFlight;
    private boolean memorizerWaiting;

    public QuestionGate() {
        this(DEFAULT_PATIENCE);
    }

    public QuestionGate(Duration patience) {
        this.patienceNanos = patience.toNanos();
    }

    /** A question starts; it waits while the memorizer, out of patience, waits for its turn. */
    public synchronized void enter() {
        boolean interrupted = false;
        while (memorizerWaiting) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // the wait ends with the memorizer's turn: finish it, then keep the interrupt
            }
        }
        inFlight++;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void exit() {
        inFlight--;
        if (inFlight == 0) {
            notifyAll();
        }
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    /** Blocks while questions are in flight; after {@code patience}, holds new ones back until none is. */
    public synchronized void awaitNoQuestions() throws InterruptedException {
        long deadline = System.nanoTime() + patienceNanos;
        try {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } else {
                    memorizerWaiting = true;
                    wait();
                }
            }
        } finally {
            if (memorizerWaiting) {
                memorizerWaiting = false;
                notifyAll();
            }
        }
    }
}
