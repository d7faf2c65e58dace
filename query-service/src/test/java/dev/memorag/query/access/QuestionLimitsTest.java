package dev.memorag.query.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QuestionLimitsTest {

    @Test
    void aCorpusGetsABurstOfTwiceItsRateThenWaits() {
        QuestionLimits limits = new QuestionLimits(1000, 5);
        for (int i = 0; i < 10; i++) {
            assertTrue(limits.tryAcquire("dickens").isEmpty(), "burst question " + i);
        }
        OptionalLong wait = limits.tryAcquire("dickens");
        assertTrue(wait.isPresent(), "the eleventh question within the same instant waits");
        assertEquals(1, wait.getAsLong(), "for the seconds one token takes to refill, rounded up");
        assertTrue(limits.tryAcquire("austen").isEmpty(), "another corpus has its own bucket");
    }

    @Test
    void questionsInFlightAreCappedUntilReleased() {
        QuestionLimits limits = new QuestionLimits(2, 1000);
        assertTrue(limits.tryAcquire("dickens").isEmpty());
        assertTrue(limits.tryAcquire("dickens").isEmpty());
        assertTrue(limits.tryAcquire("dickens").isPresent(), "a third at once is refused");
        limits.release("dickens");
        assertTrue(limits.tryAcquire("dickens").isEmpty(), "an answer ended: room for one more");
        limits.release("austen"); // a release for a corpus never asked changes nothing
        assertTrue(limits.tryAcquire("dickens").isPresent());
    }

    @Test
    void tokensRefillAtTheRate() throws InterruptedException {
        QuestionLimits limits = new QuestionLimits(1000, 20);
        while (limits.tryAcquire("dickens").isEmpty()) {
            // drain the burst
        }
        Thread.sleep(200); // 20 a second: about four tokens back
        assertTrue(limits.tryAcquire("dickens").isEmpty(), "a refilled token admits a question");
    }
}
