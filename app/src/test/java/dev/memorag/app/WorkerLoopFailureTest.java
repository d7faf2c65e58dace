package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose store breaks under its poll loop stops for good, and the whole process says so: {@code /health} and
 * {@code /ready} turn 503 and name the failed part. The fault is real: the RocksDB store is closed while the loop
 * runs, and the next chunk it must apply meets a closed store.
 */
class WorkerLoopFailureTest {
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;

    EmbeddedStack stack;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aWorkerLoopThatDiesFailsHealthAndReadinessNamingThePart() throws Exception {
        stack = EmbeddedStack.start(StackConfig.defaults().isolatedIn(dataDir));
        awaitStatus("/ready", 200);
        assertEquals(200, get("/health").statusCode());

        stack.store().close();
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(stack.bootstrapServers())) {
            float[] vector = new float[Embedder.DIMENSIONS];
            vector[0] = 1;
            Chunk chunk = Chunk.upsert("dickens", "carol.txt", 1, 0, 1, "Marley was dead: to begin with.", 8, vector);
            producer.send(new ProducerRecord<>(stack.config().topics().chunks(), bytes("dickens"), Json.write(chunk)))
                    .get();
        }

        HttpResponse<String> health = awaitStatus("/health", 503);
        JsonNode body = Json.MAPPER.readTree(health.body());
        assertEquals("DOWN", body.path("status").asText());
        assertEquals(1, body.path("failed").size(), health.body());
        assertTrue(body.path("failed").get(0).asText().startsWith("worker.loop: StoreException"), health.body());
        assertEquals(
                "FAILED", body.path("parts").path("worker.loop").path("state").asText(), health.body());
        assertEquals(
                "UP", body.path("parts").path("query.replies").path("state").asText(), health.body());

        HttpResponse<String> ready = get("/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        JsonNode readiness = Json.MAPPER.readTree(ready.body());
        assertEquals("NOT_READY", readiness.path("status").asText());
        assertTrue(readiness.path("error").path("message").asText().contains("worker.loop FAILED"), ready.body());
        assertTrue(stack.health().failure().isDone());
    }

    /** Polls {@code path} on the query service until it answers {@code status}. */
    private HttpResponse<String> awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> last = get(path);
        while (last.statusCode() != status) {
            assertTrue(System.nanoTime() < deadline, () -> path + " never answered " + status);
            Thread.sleep(200);
            last = get(path);
        }
        return last;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(stack.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
