package dev.memorag.worker.memory;

/**
 * Lets questions pre-empt memory extension: recall marks each question in flight, and the memorizer waits for none
 * to be in flight before it starts a window. A question thus waits for at most the one window being computed.
 */
public final class QuestionGate {
    private int inFlight;

    public synchronized void enter() {
        inFlight++;
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

    /** Blocks while questions are in flight. */
    public synchronized void awaitNoQuestions() throws InterruptedException {
        while (inFlight > 0) {
            wait();
        }
    }
}
