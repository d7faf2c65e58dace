package dev.memorag.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.health.Health;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service as Vert.x deploys it against a real broker: its verticles (registry, Kafka routing, answer feed
 * and three HTTP instances sharing one port picked at random), ready once every Kafka loop works, every connection
 * served on the one port, and all of it undeployed with the service.
 */
class QueryServiceTest {
    private static final String ADMIN = "query-service-admin-token-0123456789";
    private static final int HTTP_INSTANCES = 3;

    @TempDir
    Path dir;

    EmbeddedKafkaBroker broker;
    Vertx vertx;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        broker.close();
    }

    @Test
    void smallVerticlesWithSeveralHttpInstancesOnOnePort() throws Exception {
        TopicCatalog topics = TopicCatalog.defaults();
        TopicCreator.ensure(broker.bootstrapServers(), topics.all());
        Health health = new Health();
        QueryService service = new QueryService(
                new QueryConfig(
                        broker.bootstrapServers(),
                        "127.0.0.1",
                        0,
                        ADMIN,
                        EdgeLimits.defaults(),
                        KafkaQuestions.defaults(),
                        null,
                        HTTP_INSTANCES),
                topics,
                health,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        String id = vertx.deployVerticle(service).await();
        // the service, the registry, the Kafka routing, the answer feed and the HTTP servers (one deployment of
        // HTTP_INSTANCES instances)
        assertEquals(5, vertx.deploymentIDs().size(), vertx.deploymentIDs().toString());
        assertTrue(service.httpPort() > 0);

        String root = "http://127.0.0.1:" + service.httpPort();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!health.ready()) {
            assertTrue(System.nanoTime() < deadline, "not ready: " + health.readinessReport());
            Thread.sleep(100);
        }
        for (int i = 0; i < 2 * HTTP_INSTANCES; i++) {
            // a fresh client each time: a new connection, which Vert.x hands to the instances in turn
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(root + "/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create(root + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("memorag_questions_in_flight"), "the process's meters");
            HttpResponse<String> unknown = http.send(
                    HttpRequest.newBuilder(URI.create(root + "/v1/corpora/nowhere/ask"))
                            .header("authorization", "Bearer " + ADMIN)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"where?\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknown.statusCode(), unknown.body());
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> noRoute = http.send(
                HttpRequest.newBuilder(URI.create(root + "/v1/nothing-here")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, noRoute.statusCode());
        assertTrue(noRoute.body().contains("\"NOT_FOUND\""), noRoute.body());
        HttpResponse<String> wrongMethod = http.send(
                HttpRequest.newBuilder(URI.create(root + "/v1/chat/completions"))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
        assertTrue(wrongMethod.body().contains("\"METHOD_NOT_ALLOWED\""), wrongMethod.body());

        vertx.undeploy(id).await();
        assertEquals(0, vertx.deploymentIDs().size(), "undeployed with the service: " + vertx.deploymentIDs());
    }
}
