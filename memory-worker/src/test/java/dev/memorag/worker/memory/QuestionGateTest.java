package dev.memorag.worker.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QuestionGateTest {

    @Test
    void aSteadyQuestionLoadLeavesTheMemorizerATurnAfterItsPatience() throws Exception {
        QuestionGate gate = new QuestionGate(Duration.ofMillis(100));
        AtomicBoolean asking = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<Thread> askers = new ArrayList<>();
        // four recall threads, each starting its next question as soon as its last is answered: some question is
        // almost always in flight
        for (int t = 0; t < 4; t++) {
            Thread asker = new Thread(() -> {
                while (asking.get()) {
                    gate.enter();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        gate.exit();
                    }
                    answered.incrementAndGet();
                }
            });
            asker.start();
            askers.add(asker);
            Thread.sleep(5);
        }
        int windows = 0;
        long maxWaitMs = 0;
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            gate.awaitNoQuestions();
            maxWaitMs = Math.max(maxWaitMs, (System.nanoTime() - t0) / 1_000_000);
            windows++;
            Thread.sleep(10); // a window's forward, while questions go on
        }
        asking.set(false);
        for (Thread asker : askers) {
            asker.join();
        }
        assertTrue(windows >= 8, windows + " windows in 2 s under a steady load");
        assertTrue(
                maxWaitMs < 1000,
                "the memorizer waited at most its patience and the answers running, not " + maxWaitMs + " ms");
        assertTrue(answered.get() > 100, "questions kept being answered: " + answered.get());
    }
}
