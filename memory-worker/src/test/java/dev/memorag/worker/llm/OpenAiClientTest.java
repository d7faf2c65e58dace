package dev.memorag.worker.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared OpenAI client against a stand-in that is overloaded, failing, slow or gone: bounded retries. */
class OpenAiClientTest {
    private static final RetryPolicy QUICK =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofSeconds(2));
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Who was dead?"));
    private LlmStandIn llm;

    @BeforeEach
    void start() throws Exception {
        llm = new LlmStandIn((call, index) -> LlmStandIn.Reply.ok("Marley"));
    }

    @AfterEach
    void stop() {
        llm.close();
    }

    private OpenAiClient client(RetryPolicy retry) {
        return new OpenAiClient(llm.base(), "m", null, retry);
    }

    @Test
    void a429IsRetriedAfterTheServersRetryAfter() {
        llm.script((call, index) -> index == 0 ? LlmStandIn.Reply.status(429, 1) : LlmStandIn.Reply.ok("Marley"));
        long start = System.nanoTime();
        assertEquals("Marley", client(QUICK).complete(HELLO, 16));
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertEquals(2, llm.calls().size());
        assertTrue(waited >= 1000, "waited " + waited + " ms: Retry-After 1 s, not the 50 ms backoff");
    }

    @Test
    void serverErrorsAreRetriedUpToTheBoundThenReported() {
        llm.script((call, index) -> LlmStandIn.Reply.status(503, null));
        EndpointException e =
                assertThrows(EndpointException.class, () -> client(QUICK).complete(HELLO, 16));
        assertEquals(3, llm.calls().size(), "three attempts in all");
        assertTrue(e.getMessage().contains("failed 3 times") && e.getMessage().contains("HTTP 503"), e.getMessage());
    }

    @Test
    void aSlowServerTimesOutEachAttempt() {
        llm.script((call, index) ->
                index < 2 ? LlmStandIn.Reply.ok("late").after(Duration.ofSeconds(3)) : LlmStandIn.Reply.ok("Marley"));
        assertEquals("Marley", client(QUICK).complete(HELLO, 16), "the third attempt is on time");
        assertEquals(3, llm.calls().size());
    }

    @Test
    void aClientErrorIsNotRetried() {
        llm.script((call, index) -> LlmStandIn.Reply.status(400, null));
        EndpointException e =
                assertThrows(EndpointException.class, () -> client(QUICK).complete(HELLO, 16));
        assertEquals(1, llm.calls().size());
        assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
    }

    @Test
    void anEndpointThatIsGoneFailsAfterTheBound() {
        URI gone = llm.base();
        llm.close();
        OpenAiClient client = new OpenAiClient(gone, "m", null, QUICK);
        EndpointException e = assertThrows(EndpointException.class, () -> client.complete(HELLO, 16));
        assertTrue(
                e.getMessage().contains("failed 3 times") && e.getMessage().contains("ConnectException"),
                e.getMessage());
    }
}
