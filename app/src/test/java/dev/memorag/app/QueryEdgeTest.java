package dev.memorag.app;

import static dev.memorag.app.StackHttp.post;
import static dev.memorag.app.StackHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.cli.MemoragCli;
import dev.memorag.schemas.Json;
import dev.memorag.settings.SettingsCatalogue;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query edge against the whole embedded stack: WebSocket streaming with the Vert.x client, the npm {@code ws}
 * client and the web console in headless Chromium; tokens, limits, cancellation, readiness and metrics.
 */
class QueryEdgeTest {
    private static final Path NODE_DIR = Path.of("src", "test", "node");
    private static final String DICKENS_TEXT = "Marley was dead: to begin with. There is no doubt whatever about that. "
            + "Scrooge signed the register of his burial. Old Marley was as dead as a door-nail. "
            + "The turkey was sent to Bob Cratchit's house in Camden Town by cab.";
    private static final String AUSTEN_TEXT = "It is a truth universally acknowledged, that a single man in possession "
            + "of a good fortune, must be in want of a wife. Mr. Bennet was so odd a mixture of quick parts.";

    private static final Duration SOCKET_MAX_AGE = Duration.ofSeconds(20);

    @TempDir
    static Path dataDir;

    static EmbeddedStack stack;
    static Vertx vertx;
    static final Map<String, String> TOKENS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        StackConfig base = StackConfig.defaults().isolatedIn(dataDir);
        stack = EmbeddedStack.start(base.with(SettingsCatalogue.MAX_IN_FLIGHT_PER_CORPUS, 64)
                .with(SettingsCatalogue.QUESTIONS_PER_SECOND, 5.0)
                .with(SettingsCatalogue.SOCKET_MAX_AGE, SOCKET_MAX_AGE));
        vertx = Vertx.vertx();
        for (String corpus : List.of("dickens", "austen", "limited")) {
            HttpResponse<String> created =
                    send(post(stack.ingestUrl() + "/v1/corpora", stack.adminToken(), "{\"id\":\"" + corpus + "\"}"));
            assertEquals(201, created.statusCode(), created.body());
            TOKENS.put(
                    corpus, Json.MAPPER.readTree(created.body()).path("token").asText());
        }
        put("dickens", "carol.txt", DICKENS_TEXT);
        put("austen", "pride.txt", AUSTEN_TEXT);
        awaitMemorized("dickens", "carol.txt");
        awaitMemorized("austen", "pride.txt");
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void severalQuestionsOnOneSocketStreamOrderedFramesAndNoOtherCorpusEverShowsUp() throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        List<JsonNode> dickensFrames = new CopyOnWriteArrayList<>();
        List<JsonNode> austenFrames = new CopyOnWriteArrayList<>();
        WebSocket dickens = connect(client, "dickens", TOKENS.get("dickens"));
        WebSocket austen = connect(client, "austen", TOKENS.get("austen"));
        dickens.textMessageHandler(t -> dickensFrames.add(read(t)));
        austen.textMessageHandler(t -> austenFrames.add(read(t)));
        dickens.writeTextMessage("{\"type\":\"ask\",\"ref\":\"a\",\"question\":\"How dead was Marley?\"}");
        austen.writeTextMessage("{\"type\":\"ask\",\"ref\":\"p\",\"question\":\"What must a rich single man want?\"}");
        dickens.writeTextMessage("{\"type\":\"ask\",\"ref\":\"b\",\"question\":\"Where was the turkey sent?\"}");
        dickens.writeTextMessage("{\"type\":\"ask\",\"ref\":\"c\",\"question\":\"Who signed the register?\"}");
        await(dickensFrames, 3);
        await(austenFrames, 1);
        dickens.close().await();
        austen.close().await();
        client.close().await();

        for (String ref : List.of("a", "b", "c")) {
            assertEquals(List.of("clues", "evidence", "token", "done"), types(dickensFrames, ref), "frames of " + ref);
        }
        assertEquals(List.of("clues", "evidence", "token", "done"), types(austenFrames, "p"));
        assertTrue(
                dickensFrames.stream().allMatch(f -> f.path("corpus").asText().equals("dickens")));
        assertTrue(austenFrames.stream().allMatch(f -> f.path("corpus").asText().equals("austen")));
        assertTrue(austenFrames.toString().contains("universally acknowledged"));
        assertFalse(dickensFrames.toString().contains("universally acknowledged"), "no austen text on dickens");
        assertFalse(austenFrames.toString().contains("Marley"), "no dickens text on austen");
    }

    @Test
    void tokensAreCheckedOnHttpAndWebSocket() throws Exception {
        String ask = stack.httpUrl() + "/v1/corpora/dickens/ask";
        String body = "{\"question\":\"How dead was Marley?\"}";
        assertError(send(post(ask, null, body)), 401, "UNAUTHORIZED");
        assertError(send(post(ask, "not-a-token", body)), 401, "UNAUTHORIZED");
        assertError(send(post(ask, TOKENS.get("austen"), body)), 403, "FORBIDDEN");
        assertError(
                send(post(stack.httpUrl() + "/v1/corpora/nowhere/ask", stack.adminToken(), body)),
                404,
                "UNKNOWN_CORPUS");
        assertEquals(200, send(post(ask, TOKENS.get("dickens"), body)).statusCode());

        WebSocketClient client = vertx.createWebSocketClient();
        for (Map.Entry<String, Integer> refused :
                Map.of("", 401, "wrong", 401, TOKENS.get("austen"), 403).entrySet()) {
            Throwable failure = client.connect(options("dickens", refused.getKey()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .handle((ws, error) -> error)
                    .get(10, TimeUnit.SECONDS);
            assertTrue(failure instanceof UpgradeRejectedException, "refused: " + failure);
            assertEquals(refused.getValue(), ((UpgradeRejectedException) failure).getStatus());
        }
        client.close().await();
    }

    @Test
    void anExpiredSocketIsClosedSoThatItsTokenIsCheckedAgain() throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        WebSocket socket = connect(client, "dickens", TOKENS.get("dickens"));
        CompletableFuture<Short> closed = new CompletableFuture<>();
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
        assertEquals((short) 4401, closed.get(SOCKET_MAX_AGE.toSeconds() + 10, TimeUnit.SECONDS));
        assertTrue(socket.closeReason().contains("expired"), socket.closeReason());
        client.close().await();
    }

    @Test
    void closingASocketWithAQuestionInFlightCancelsItOnTheWorker() throws Exception {
        long before = stack.recall().cancellations().received();
        WebSocketClient client = vertx.createWebSocketClient();
        WebSocket socket = connect(client, "dickens", TOKENS.get("dickens"));
        socket.writeTextMessage("{\"type\":\"ask\",\"ref\":\"gone\",\"question\":\"How dead was Marley?\"}")
                .await();
        socket.close().await();
        client.close().await();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (stack.recall().cancellations().received() == before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(stack.recall().cancellations().received() > before, "the worker received the cancel");
    }

    @Test
    void aCorpusOverItsRateGets429WithRetryAfter() throws Exception {
        List<HttpResponse<String>> limited = new ArrayList<>();
        for (HttpResponse<String> r : StackHttp.burst(
                post(
                        stack.httpUrl() + "/v1/corpora/limited/ask",
                        TOKENS.get("limited"),
                        "{\"question\":\"anything at all?\"}"),
                30)) {
            if (r.statusCode() == 429) {
                limited.add(r);
            } else {
                assertEquals(404, r.statusCode(), "an empty corpus answers EMPTY_CORPUS: " + r.body());
            }
        }
        assertFalse(limited.isEmpty(), "a burst of 30 over a rate of 5/s is limited");
        assertError(limited.get(0), 429, "RATE_LIMITED");
        assertTrue(limited.get(0).headers().firstValue("retry-after").isPresent());
    }

    @Test
    void readinessAndPrometheusMetricsAreServed() throws Exception {
        assertEquals(
                200,
                send(HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/ready"))
                                .build())
                        .statusCode());
        send(post(stack.httpUrl() + "/v1/corpora/dickens/ask", TOKENS.get("dickens"), "{\"question\":\"Marley?\"}"));
        String metrics = send(HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/metrics"))
                        .build())
                .body();
        assertTrue(metrics.contains("memorag_questions_routed_total"), metrics);
        assertTrue(metrics.contains("memorag_questions_answered_seconds_bucket"), "latency histogram");
        assertTrue(metrics.contains("memorag_questions_in_flight"));
        assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag_max"), "consumer lag");
    }

    @Test
    void theNpmWsClientGetsOrderedFramesAndIsRefusedWithAWrongToken() throws Exception {
        String url = stack.httpUrl().replace("http://", "ws://") + "/v1/corpora/dickens/ws";
        List<JsonNode> frames =
                node("ws-client.mjs", url, TOKENS.get("dickens"), "How dead was Marley?", "Where was the turkey sent?");
        for (String ref : List.of("n0", "n1")) {
            assertEquals(List.of("clues", "evidence", "token", "done"), types(frames, ref));
        }
        assertTrue(frames.toString().contains("Camden Town"));
        List<JsonNode> refused = node("ws-client.mjs", url, TOKENS.get("austen"), "How dead was Marley?");
        assertEquals(403, refused.get(0).path("status").asInt());
    }

    @Test
    void theWebConsoleShowsTheStreamedAnswerAndEvidenceInChromium() throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assumeTrue(
                Files.isExecutable(Path.of(chromium)),
                "Chromium is not installed (apt-get install chromium); " + ".ci/run installs it");
        Path screenshot = Path.of("target", "console.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        JsonNode shown = node(
                        "console.mjs",
                        stack.httpUrl() + "/console/",
                        "dickens",
                        TOKENS.get("dickens"),
                        "Where was the turkey sent?",
                        screenshot.toString())
                .get(0);
        assertEquals("done", shown.path("status").asText(), shown::toString);
        assertFalse(shown.path("answer").asText().isBlank());
        assertTrue(shown.path("evidence").toString().contains("Camden Town"), shown::toString);
        assertTrue(shown.path("backend").asText().contains("memory backend: none"));
        assertTrue(Files.size(screenshot) > 0, "screenshot saved at " + screenshot);
    }

    @Test
    void memoragAskStreamsTheAnswerWithCluesAndEvidenceOnRequest() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = MemoragCli.commandLine()
                    .execute(
                            "ask",
                            "dickens",
                            "Where was the turkey sent?",
                            "--url",
                            stack.httpUrl(),
                            "--token",
                            TOKENS.get("dickens"),
                            "-v");
        } finally {
            System.setOut(original);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, printed);
        assertTrue(printed.contains("clue: Where was the turkey sent?"), printed);
        assertTrue(printed.contains("evidence carol.txt#0"), printed);
        assertTrue(printed.contains("Camden Town"), printed);
        assertTrue(printed.contains("[memory backend: none · generator: extractive"), printed);
    }

    private static List<JsonNode> node(String script, String... args) throws Exception {
        return NodeScripts.run(NODE_DIR, script, args);
    }

    private static WebSocket connect(WebSocketClient client, String corpus, String token) throws Exception {
        return client.connect(options(corpus, token))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static WebSocketConnectOptions options(String corpus, String token) {
        URI http = URI.create(stack.httpUrl());
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(http.getHost())
                .setPort(http.getPort())
                .setURI("/v1/corpora/" + corpus + "/ws");
        if (!token.isEmpty()) {
            options.addHeader("authorization", "Bearer " + token);
        }
        return options;
    }

    private static void await(List<JsonNode> frames, int terminals) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (frames.stream()
                        .filter(f ->
                                Set.of("done", "error").contains(f.path("type").asText()))
                        .count()
                < terminals) {
            assertTrue(System.nanoTime() < deadline, "answers within 60 s: " + frames);
            Thread.sleep(20);
        }
    }

    private static List<String> types(List<JsonNode> frames, String ref) {
        return frames.stream()
                .filter(f -> ref.equals(f.path("ref").asText()))
                .map(f -> f.path("type").asText())
                .toList();
    }

    private static JsonNode read(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("a frame that is not JSON: " + text, e);
        }
    }

    private static void put(String corpus, String doc, String text) throws Exception {
        StackHttp.put(stack, TOKENS.get(corpus), corpus, doc, text);
    }

    private static void awaitMemorized(String corpus, String doc) throws Exception {
        StackHttp.awaitMemorized(stack, TOKENS.get(corpus), corpus, doc);
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(
                code,
                Json.MAPPER.readTree(response.body()).path("error").path("code").asText(),
                response.body());
    }
}
