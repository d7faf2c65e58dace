package dev.memorag.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands questions to the recall threads one corpus at a time in turn, so a corpus's burst queues behind itself and
 * not in front of other corpora: a corpus with one question waits for at most the answers already running. Each
 * corpus's queue is bounded; a full one refuses, and the worker's poll loop then pauses that partition (back-pressure
 * to Kafka) until {@link #hasRoom} says the queue has drained to half.
 */
final class FairDispatcher {
    private static final Logger log = LoggerFactory.getLogger(FairDispatcher.class);

    private final int perCorpus;
    /** The corpora with queued questions, in turn order: a corpus served goes to the back. Guarded by this. */
    private final LinkedHashMap<String, ArrayDeque<Runnable>> queues = new LinkedHashMap<>();

    private final List<Thread> threads = new ArrayList<>();
    private boolean closing;

    FairDispatcher(int threads, int perCorpus) {
        this.perCorpus = perCorpus;
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(this::work, "memorag-recall-" + i);
            thread.setDaemon(true);
            this.threads.add(thread);
            thread.start();
        }
    }

    /** Queues {@code task} behind the corpus's earlier questions; false, and nothing queued, if its queue is full. */
    synchronized boolean offer(String corpus, Runnable task) {
        if (closing) {
            throw new IllegalStateException("the recall threads are shutting down");
        }
        ArrayDeque<Runnable> queue = queues.computeIfAbsent(corpus, c -> new ArrayDeque<>());
        if (queue.size() >= perCorpus) {
            return false;
        }
        queue.add(task);
        notify();
        return true;
    }

    /** Whether the corpus's queue has drained to half its bound: a paused partition may be read again. */
    synchronized boolean hasRoom(String corpus) {
        ArrayDeque<Runnable> queue = queues.get(corpus);
        return queue == null || queue.size() <= perCorpus / 2;
    }

    synchronized int queued() {
        return queues.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** The next corpus's oldest question; null once closing and drained. */
    private synchronized Runnable next() throws InterruptedException {
        while (queues.isEmpty()) {
            if (closing) {
                return null;
            }
            wait();
        }
        Iterator<Map.Entry<String, ArrayDeque<Runnable>>> turn =
                queues.entrySet().iterator();
        Map.Entry<String, ArrayDeque<Runnable>> first = turn.next();
        Runnable task = first.getValue().poll();
        turn.remove();
        if (!first.getValue().isEmpty()) {
            queues.put(first.getKey(), first.getValue());
        }
        return task;
    }

    private void work() {
        try {
            for (Runnable task = next(); task != null; task = next()) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // the thread stays: a pool that lost its threads would leave every later question queued forever
                    log.error("a recall task failed outside its own error handling", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking questions and lets the queued ones finish, for at most {@code timeout}; false if they did not. */
    boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }
}
