package dev.memorag.query.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.clients.KafkaClients;
import dev.memorag.edge.HttpErrors;
import dev.memorag.health.Health;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may use a corpus, asked of the query service's access rules over real HTTP requests and a real registry read
 * from a broker: where a token is found (header, either case of the scheme, {@code ?access_token=}), 401 for none or
 * one nobody issued, 403 for another corpus's (or an unknown corpus named by a corpus token), 404 only for the admin.
 * The registrations are written in a transaction, as the ingest registry writes them, so the registry must count
 * its position past the commit marker to become ready.
 */
class AccessTest {
    private static final String ADMIN = "admin-token-for-access";
    private static final String DICKENS = "dickens-token";
    private static final String AUSTEN = "austen-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static TopicCatalog topics = new TopicCatalog("access.", 1);
    static Vertx vertx;
    static Access access;
    static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        TopicCreator.ensure(broker.bootstrapServers(), topics.all());
        register(Corpus.register("dickens", DICKENS, 1), Corpus.register("austen", AUSTEN, 2));
        vertx = Vertx.vertx();
        CorpusRegistry registry = new CorpusRegistry(vertx, broker.bootstrapServers(), topics);
        registry.start(topics.corpora(), new Health().part("query.registry"), new SimpleMeterRegistry())
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        access = new Access(registry, ADMIN);
        Router router = Router.router(vertx);
        router.get("/check/:corpus")
                .handler(ctx -> answer(ctx.response(), access.check(ctx.request(), ctx.pathParam("corpus"))));
        router.get("/readable").handler(ctx -> {
            Optional<ErrorInfo> refused = access.authenticate(ctx.request());
            if (refused.isPresent()) {
                HttpErrors.send(ctx.response(), refused.get());
            } else {
                ctx.response()
                        .end(Json.writeString(access.readable(ctx.request()).stream()
                                .map(Corpus::id)
                                .toList()));
            }
        });
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
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
    void aCorpusTokenOpensItsOwnCorpusOnlyAndCannotProbeForOthers() throws Exception {
        assertEquals(200, get("/check/dickens", "Bearer " + DICKENS).statusCode());
        assertRefused(get("/check/austen", "Bearer " + DICKENS), ErrorCode.FORBIDDEN);
        assertRefused(get("/check/bronte", "Bearer " + DICKENS), ErrorCode.FORBIDDEN);
    }

    @Test
    void theAdminTokenOpensEveryCorpusAndIsToldWhichDoNotExist() throws Exception {
        assertEquals(200, get("/check/dickens", "Bearer " + ADMIN).statusCode());
        assertEquals(200, get("/check/austen", "Bearer " + ADMIN).statusCode());
        assertRefused(get("/check/bronte", "Bearer " + ADMIN), ErrorCode.UNKNOWN_CORPUS);
    }

    @Test
    void noTokenOrOneNobodyIssuedIs401() throws Exception {
        HttpResponse<String> none = get("/check/dickens", null);
        assertRefused(none, ErrorCode.UNAUTHORIZED);
        assertTrue(none.body().contains("access_token"), "says where a token may be given: " + none.body());
        assertRefused(get("/check/dickens", "Bearer "), ErrorCode.UNAUTHORIZED);
        assertRefused(get("/check/dickens", "Basic " + DICKENS), ErrorCode.UNAUTHORIZED);
        assertRefused(get("/check/dickens", "Bearer not-a-token"), ErrorCode.UNAUTHORIZED);
        assertRefused(get("/check/dickens", "Bearer " + DICKENS + "x"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void aTokenIsReadFromEitherCaseOfTheSchemeOrTheAccessTokenParameter() throws Exception {
        assertEquals(200, get("/check/dickens", "bearer " + DICKENS).statusCode());
        assertEquals(200, get("/check/dickens", "BEARER   " + DICKENS).statusCode());
        assertEquals(200, get("/check/dickens?access_token=" + DICKENS, null).statusCode(), "a browser WebSocket");
        assertRefused(get("/check/dickens?access_token=" + DICKENS, "Bearer " + AUSTEN), ErrorCode.FORBIDDEN);
    }

    @Test
    void aKafkaQuestionIsCheckedByItsAuthorizationHeader() {
        assertEquals(Optional.empty(), access.checkHeader("Bearer " + DICKENS, "dickens"));
        assertEquals(
                ErrorCode.FORBIDDEN.name(),
                access.checkHeader("Bearer " + AUSTEN, "dickens").orElseThrow().code());
        ErrorInfo missing = access.checkHeader(null, "dickens").orElseThrow();
        assertEquals(ErrorCode.UNAUTHORIZED.name(), missing.code());
        assertTrue(missing.message().contains("on the question"), missing.message());
        assertEquals(
                ErrorCode.UNAUTHORIZED.name(),
                access.checkHeader(DICKENS, "dickens").orElseThrow().code(),
                "a header without the Bearer scheme carries no token");
    }

    @Test
    void theCorporaATokenMayReadAreEveryOneForTheAdminAndItsOwnForACorpusToken() throws Exception {
        List<String> all = ids(get("/readable", "Bearer " + ADMIN)); // other tests may register more
        assertTrue(all.containsAll(List.of("austen", "dickens")), all.toString());
        assertEquals(all.stream().sorted().toList(), all, "in id order");
        assertEquals(List.of("dickens"), ids(get("/readable", "Bearer " + DICKENS)));
        assertRefused(get("/readable", "Bearer not-a-token"), ErrorCode.UNAUTHORIZED);
        assertRefused(get("/readable", null), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void aNewRegistrationOfACorpusRetiresItsOldToken() throws Exception {
        register(Corpus.register("collins", "collins-old", 3));
        awaitStatus("/check/collins", "Bearer collins-old", 200);
        register(Corpus.register("collins", "collins-new", 4));
        awaitStatus("/check/collins", "Bearer collins-new", 200);
        assertRefused(get("/check/collins", "Bearer collins-old"), ErrorCode.UNAUTHORIZED);
    }

    private static void register(Corpus... corpora) throws Exception {
        Properties props = KafkaClients.producer(broker.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "access-test-registry");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Corpus corpus : corpora) {
                producer.send(new ProducerRecord<>(topics.corpora(), corpus.id(), Json.write(corpus)));
            }
            producer.commitTransaction();
        }
    }

    private static void answer(io.vertx.core.http.HttpServerResponse response, Optional<ErrorInfo> refused) {
        if (refused.isPresent()) {
            HttpErrors.send(response, refused.get());
        } else {
            response.end("ok");
        }
    }

    private static void awaitStatus(String path, String authorization, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (get(path, authorization).statusCode() != status) {
            assertTrue(System.nanoTime() < deadline, path + " never answered " + status);
            Thread.sleep(50);
        }
    }

    private static void assertRefused(HttpResponse<String> response, ErrorCode code) throws Exception {
        assertEquals(code.httpStatus(), response.statusCode(), response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
        assertEquals(code.name(), error.path("code").asText(), response.body());
        assertTrue(!error.path("message").asText().isBlank(), "a refusal says why: " + response.body());
    }

    private static List<String> ids(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readValue(
                response.body(), Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
        if (authorization != null) {
            request.header("authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
