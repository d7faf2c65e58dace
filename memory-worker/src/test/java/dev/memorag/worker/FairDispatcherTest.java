package dev.memorag.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FairDispatcherTest {

    @Test
    void aCorpusWithOneQuestionWaitsForTheAnswersRunningNotForAnotherCorpusBurst() throws Exception {
        FairDispatcher dispatcher = new FairDispatcher(2, 256);
        List<String> started = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "a" + i;
            assertTrue(dispatcher.offer("a", () -> answer(started, id)));
        }
        assertTrue(dispatcher.offer("b", () -> answer(started, "b0")));
        int startedWhenBCame = started.size();
        assertTrue(dispatcher.shutdown(60, TimeUnit.SECONDS), "all answered");
        assertEquals(201, started.size());
        // A's turn may come once more before B's: B waits for at most the answers running and one more of A's
        assertTrue(
                started.indexOf("b0") <= startedWhenBCame + 1,
                "B started at position " + started.indexOf("b0") + ", " + startedWhenBCame
                        + " of A's had started when it came");
        // two threads take questions in order, but record their start each on its own, so a thread preempted between
        // taking a question and recording it lets the other record a few later ones first
        List<String> startedA = started.stream().filter(s -> s.startsWith("a")).toList();
        for (int i = 0; i < 200; i++) {
            int position = startedA.indexOf("a" + i);
            assertTrue(
                    Math.abs(position - i) <= 4,
                    "a corpus's questions start in the order they came: a" + i + " started " + position + "th");
        }
    }

    @Test
    void aFullCorpusQueueRefusesAndHasRoomAgainOnceHalfIsAnswered() throws Exception {
        FairDispatcher dispatcher = new FairDispatcher(1, 4);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        assertTrue(dispatcher.offer("a", () -> {
            running.countDown();
            await(release);
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 4; i++) {
            assertTrue(dispatcher.offer("a", () -> {}), "queued " + i);
        }
        assertFalse(dispatcher.offer("a", () -> {}), "a fifth waiting question of one corpus is refused");
        assertFalse(dispatcher.hasRoom("a"));
        assertTrue(dispatcher.offer("b", () -> {}), "another corpus still gets in");
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!dispatcher.hasRoom("a") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(dispatcher.hasRoom("a"), "drained to half: the paused partition may be read again");
        assertTrue(dispatcher.shutdown(10, TimeUnit.SECONDS));
        assertEquals(0, dispatcher.queued(), "questions queued before the shutdown are answered, not dropped");
    }

    private static void answer(List<String> started, String id) {
        started.add(id);
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
