package dev.memorag.query.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.query.routing.RouterFixtures;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.ext.web.Router;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket edge alone (no Kafka: questions go to a mock producer and are never answered) against a real Vert.x
 * client: what a client that sends binary, oversize or faster than it reads gets back.
 */
class SocketLimitsTest {
    private static final int MAX_MESSAGE = 4 * 1024;
    private static final int BUFFER = 16 * 1024;
    private static final int IN_FLIGHT = 4;

    static Vertx vertx;
    static HttpServer server;
    static WebSocketClient client;

    /** What a client saw: its text frames, then the close status and reason. */
    private record Seen(List<JsonNode> frames, CompletableFuture<Short> closed, WebSocket socket) {
        String reason() {
            return socket.closeReason();
        }
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        EdgeLimits edge =
                new EdgeLimits(Duration.ofMinutes(5), IN_FLIGHT, 1000, BUFFER, MAX_MESSAGE, Duration.ofHours(1));
        // questions are routed (to a producer that accepts everything) and then wait: nothing answers them
        RecallRouter recall = RouterFixtures.readingPartitions(
                new RecallRouter(
                        TopicCatalog.defaults(),
                        KafkaProducer.create(
                                vertx,
                                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer())),
                        new SimpleMeterRegistry()),
                0);
        Router router = Router.router(vertx);
        router.get("/v1/corpora/:corpus/ws")
                .handler(new SocketHandler(
                        vertx,
                        recall,
                        new QuestionLimits(edge.maxInFlightPerCorpus(), edge.questionsPerSecond()),
                        edge));
        server = vertx.createHttpServer(HttpEdge.serverOptions(edge))
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
        client = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void aBinaryMessageIsClosedWith1003() throws Exception {
        Seen seen = connect("binary");
        seen.socket().writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3})).await();
        assertEquals((short) 1003, seen.closed().get(10, TimeUnit.SECONDS));
        assertTrue(seen.reason().contains("text JSON frames only"), seen.reason());
    }

    @Test
    void oneTextFrameOverTheLimitIsClosedWith1009() throws Exception {
        Seen seen = connect("big-frame");
        seen.socket().writeFrame(WebSocketFrame.textFrame("x".repeat(10 << 20), true));
        assertEquals((short) 1009, seen.closed().get(10, TimeUnit.SECONDS));
        assertTrue(seen.reason().contains(String.valueOf(MAX_MESSAGE)), seen.reason());
    }

    @Test
    void aFragmentedTextMessageOverTheLimitIsClosedWith1009() throws Exception {
        Seen seen = connect("big-message");
        String part = "x".repeat(MAX_MESSAGE / 2);
        seen.socket().writeFrame(WebSocketFrame.textFrame("{\"type\":\"ask\",\"question\":\"" + part, false));
        seen.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), false));
        seen.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part + "\"}"), true));
        assertEquals((short) 1009, seen.closed().get(10, TimeUnit.SECONDS));
        assertTrue(seen.reason().contains(String.valueOf(MAX_MESSAGE)), seen.reason());
        assertTrue(seen.frames().isEmpty(), "no part of the message was answered: " + seen.frames());
    }

    @Test
    void aFragmentedTextMessageUnderTheLimitIsAnswered() throws Exception {
        Seen seen = connect("fragments");
        seen.socket().writeFrame(WebSocketFrame.textFrame("{\"type\":\"hello\",", false));
        seen.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"ref\":\"f\"}"), true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.frames().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(
                "f", seen.frames().get(0).path("ref").asText(), seen.frames().toString());
        assertEquals(
                "SCHEMA_VIOLATION",
                seen.frames().get(0).path("error").path("code").asText());
        assertFalse(seen.socket().isClosed());
        seen.socket().close().await();
    }

    @Test
    void aClientThatAsksFasterThanItReadsIsClosedWith1013() throws Exception {
        Seen seen = connect("flood");
        seen.socket().pause(); // reads nothing more: the server's answers pile up in TCP's buffers, then in its own
        int asks = 20_000;
        for (int i = 0; i < asks; i++) {
            seen.socket().writeTextMessage("{\"type\":\"ask\",\"ref\":\"q" + i + "\",\"question\":\"more?\"}");
        }
        seen.socket()
                .writeTextMessage("{\"type\":\"ask\",\"ref\":\"last\",\"question\":\"more?\"}")
                .await(30, TimeUnit.SECONDS);
        // the server has read the asks; reading now, well within its 10 s wait for the closing handshake, the client
        // gets what was buffered and then the close frame
        Thread.sleep(1000);
        seen.socket().resume();
        assertEquals((short) 1013, seen.closed().get(30, TimeUnit.SECONDS));
        assertTrue(seen.reason().contains("reader too slow"), seen.reason());
        assertTrue(
                seen.frames().size() < asks - IN_FLIGHT,
                "the server dropped answers past its buffer instead of keeping them: "
                        + seen.frames().size());
        assertTrue(
                !seen.frames().isEmpty()
                        && seen.frames().stream()
                                .allMatch(f ->
                                        f.path("error").path("code").asText().equals("RATE_LIMITED")),
                () -> "beyond " + IN_FLIGHT + " questions in flight every ask is refused: "
                        + seen.frames().stream().findFirst());
    }

    private static Seen connect(String corpus) throws Exception {
        WebSocket socket = client.connect(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(server.actualPort())
                        .setURI("/v1/corpora/" + corpus + "/ws"))
                .await(10, TimeUnit.SECONDS);
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        CompletableFuture<Short> closed = new CompletableFuture<>();
        socket.textMessageHandler(t -> frames.add(read(t)));
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
        return new Seen(frames, closed, socket);
    }

    private static JsonNode read(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("a frame that is not JSON: " + text, e);
        }
    }
}
