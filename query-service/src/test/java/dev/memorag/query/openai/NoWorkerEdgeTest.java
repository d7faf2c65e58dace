package dev.memorag.query.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.edge.CorpusAccess;
import dev.memorag.health.Health;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.query.QueryConfig;
import dev.memorag.query.QueryService;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service alone on a real broker with a registered corpus and no memory worker: a question routed to
 * nobody times out as {@code 504} in OpenAI's shape on the chat route, streamed or not, and in the edge's own shape
 * on {@code /ask}, which shares its life; a request naming a corpus that reaches the registry a moment after it
 * arrived waits for it instead of being refused.
 */
class NoWorkerEdgeTest {
    private static final String TOKEN = "corpus-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static TopicCatalog topics;
    static Vertx vertx;
    static QueryService service;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        topics = new TopicCatalog("t.", 1);
        TopicCreator.ensure(broker.bootstrapServers(), topics.all());
        register("dickens", TOKEN);
        vertx = Vertx.vertx();
        EdgeLimits limits = EdgeLimits.defaults();
        service = new QueryService(
                new QueryConfig(
                        broker.bootstrapServers(),
                        "127.0.0.1",
                        0,
                        "admin-token",
                        new EdgeLimits(
                                Duration.ofSeconds(1),
                                limits.maxInFlightPerCorpus(),
                                limits.questionsPerSecond(),
                                limits.socketBufferBytes(),
                                limits.socketMaxMessageBytes(),
                                limits.socketMaxAge()),
                        KafkaQuestions.defaults(),
                        null,
                        1),
                topics,
                new Health(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        vertx.deployVerticle(service).await();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aQuestionNobodyAnswersTimesOutIn504() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> response = post(
                    "/v1/chat/completions",
                    "{\"model\":\"dickens\",\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Who was dead?\"}]}");
            assertEquals(504, response.statusCode(), response.body());
            JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
            assertEquals("timeout", error.path("code").asText(), response.body());
            assertEquals("server_error", error.path("type").asText(), response.body());
        }
        HttpResponse<String> ask = post("/v1/corpora/dickens/ask", "{\"question\":\"Who was dead?\"}");
        assertEquals(504, ask.statusCode(), ask.body());
        assertEquals(
                "TIMEOUT",
                Json.MAPPER.readTree(ask.body()).path("error").path("code").asText());
    }

    @Test
    void modelsAreTheCorporaTheTokenMayRead() throws Exception {
        JsonNode models = Json.MAPPER.readTree(get("/v1/models", TOKEN).body());
        assertEquals("list", models.path("object").asText());
        assertEquals("dickens", models.path("data").path(0).path("id").asText());
        assertEquals("model", models.path("data").path(0).path("object").asText());
        assertEquals(404, get("/v1/models/nowhere", "admin-token").statusCode());
        assertEquals(403, get("/v1/models/nowhere", TOKEN).statusCode(), "a corpus token cannot probe for corpora");
        assertEquals(401, get("/v1/models", "not-a-token").statusCode());
    }

    @Test
    void aCorpusRegisteredJustAfterTheRequestIsWaitedFor() throws Exception {
        String token = "collins-token";
        // sent before the corpus exists: each waits for this instance's registry instead of answering 401 or 404
        CompletableFuture<HttpResponse<String>> ask =
                send(postRequest("/v1/corpora/collins/ask", token, "{\"question\":\"Who wrote The Moonstone?\"}"));
        CompletableFuture<HttpResponse<String>> chat = send(postRequest(
                "/v1/chat/completions",
                token,
                "{\"model\":\"collins\",\"messages\":[{\"role\":\"user\",\"content\":\"Who stole it?\"}]}"));
        CompletableFuture<HttpResponse<String>> model = send(getRequest("/v1/models/collins", "admin-token"));
        CompletableFuture<HttpResponse<String>> models = send(getRequest("/v1/models", token));
        CompletableFuture<WebSocket> socket = HTTP.newWebSocketBuilder()
                .header("authorization", "Bearer " + token)
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + service.httpPort() + "/v1/corpora/collins/ws"),
                        new WebSocket.Listener() {});
        Thread.sleep(700);
        register("collins", token);
        // admitted and routed, then nobody answers: the ask body was kept while the request waited
        assertEquals(504, ask.get().statusCode(), ask.get().body());
        assertEquals(504, chat.get().statusCode(), chat.get().body());
        assertEquals(200, model.get().statusCode(), model.get().body());
        assertEquals(
                "collins",
                Json.MAPPER
                        .readTree(models.get().body())
                        .path("data")
                        .path(0)
                        .path("id")
                        .asText(),
                models.get().body());
        // the WebSocket upgrade too (a refusal would fail the handshake)
        socket.get(10, TimeUnit.SECONDS)
                .sendClose(WebSocket.NORMAL_CLOSURE, "done")
                .get(10, TimeUnit.SECONDS);

        // A token nobody issued is refused after the same wait, whether the corpus it names exists or not.
        for (String corpus : new String[] {"collins", "nowhere"}) {
            long start = System.nanoTime();
            HttpResponse<String> stranger = send(postRequest(
                            "/v1/corpora/" + corpus + "/ask", "nobody-issued-this", "{\"question\":\"?\"}"))
                    .get();
            assertEquals(401, stranger.statusCode(), stranger.body());
            assertTrue(
                    System.nanoTime() - start >= CorpusAccess.UNSEEN_WAIT.toNanos(),
                    "refused before the wait was over for " + corpus);
        }
    }

    /**
     * The same on Kafka: a question whose token this instance's registry has not seen waits for it (on timers: the
     * intake goes on taking records) and is routed once the corpus arrives; a token nobody issued is answered
     * UNAUTHORIZED after the wait.
     */
    @Test
    void aKafkaQuestionForACorpusRegisteredJustAfterItIsWaitedFor() throws Exception {
        String token = "wilkie-token";
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "no-worker-edge-test");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
                KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.recall(), topics.answers()));
            for (String[] q : new String[][] {{"q-wilkie", token}, {"q-stranger", "nobody-issued-this"}}) {
                ProducerRecord<String, byte[]> question = new ProducerRecord<>(
                        topics.questions(),
                        "wilkie",
                        Json.write(Question.of(q[0], "wilkie", "Who is the woman in white?")));
                question.headers().add(HeaderNames.AUTHORIZATION, ("Bearer " + q[1]).getBytes(StandardCharsets.UTF_8));
                producer.send(question).get();
            }
            Thread.sleep(700);
            register("wilkie", token);
            boolean routed = false;
            JsonNode strangerAnswer = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((!routed || strangerAnswer == null) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = Json.MAPPER.readTree(r.value());
                    String id = value.path(r.topic().equals(topics.recall()) ? "id" : "questionId")
                            .asText();
                    if (r.topic().equals(topics.recall()) && id.equals("q-wilkie")) routed = true;
                    if (r.topic().equals(topics.recall()) && id.equals("q-stranger")) fail("the stranger was routed");
                    if (r.topic().equals(topics.answers()) && id.equals("q-wilkie"))
                        fail("the question was answered instead of routed: " + value);
                    if (r.topic().equals(topics.answers()) && id.equals("q-stranger")) strangerAnswer = value;
                }
            }
            assertTrue(routed, "the question reached the workers' recall topic once its corpus was registered");
            assertTrue(strangerAnswer != null, "the stranger's question was answered");
            assertEquals(
                    "UNAUTHORIZED", strangerAnswer.path("error").path("code").asText(), strangerAnswer.toString());
        }
    }

    /** Registers a corpus as the gateway does: its record on the compacted corpora topic. */
    private static void register(String corpus, String token) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topics.corpora(),
                            corpus,
                            Json.write(Corpus.register(corpus, token, System.currentTimeMillis()))))
                    .get();
        }
    }

    private static CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest postRequest(String path, String token, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .header("authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpRequest getRequest(String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .header("authorization", "Bearer " + token)
                .build();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return send(postRequest(path, TOKEN, body)).get();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return send(getRequest(path, token)).get();
    }
}
