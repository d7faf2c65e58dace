package dev.memorag.query.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.health.Health;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.query.QueryConfig;
import dev.memorag.query.QueryService;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service alone on a real broker with a registered corpus and no memory worker: a question routed to
 * nobody times out as {@code 504} in OpenAI's shape on the chat route, streamed or not, and in the edge's own shape
 * on {@code /ask}, which shares its life.
 */
class ChatTimeoutTest {
    private static final String TOKEN = "corpus-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static Vertx vertx;
    static QueryService service;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        TopicCatalog topics = new TopicCatalog("t.", 1);
        TopicCreator.ensure(broker.bootstrapServers(), topics.all());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topics.corpora(),
                            "dickens",
                            Json.write(Corpus.register("dickens", TOKEN, System.currentTimeMillis()))))
                    .get();
        }
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

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                        .header("authorization", "Bearer " + TOKEN)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                        .header("authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
