package dev.memorag.query.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.routing.AnswerEventsFeed;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket session on a real broker, with the worker's side played by the test: an ask becomes a recall record
 * that names this instance's reply partition; the events written there reach the socket in order, each carrying the
 * client's ref, and the terminal one frees the ref; a cancel frame and a closed socket each send the worker a cancel
 * record for the questions in flight.
 */
class SocketSessionTest {
    private static final String CORPUS = "dickens";

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static final TopicCatalog topics = new TopicCatalog("socket.", 1);
    static Vertx vertx;
    static HttpServer server;
    static WebSocketClient client;
    static KafkaConsumer<String, byte[]> recall;
    static org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> worker;
    static final List<ConsumerRecord<String, byte[]>> routed = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        TopicCreator.ensure(broker.bootstrapServers(), topics.all());
        vertx = Vertx.vertx();
        RecallRouter router = new RecallRouter(
                topics,
                KafkaProducer.create(vertx, KafkaClients.producer(broker.bootstrapServers())),
                new SimpleMeterRegistry());
        new AnswerEventsFeed(vertx, broker.bootstrapServers(), topics)
                .start(topics.answerEvents(), router, new Health().part("query.answer-feed"), new SimpleMeterRegistry())
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        EdgeLimits edge = EdgeLimits.defaults();
        Router routes = Router.router(vertx);
        routes.get("/v1/corpora/:corpus/ws")
                .handler(new SocketHandler(
                        vertx,
                        router,
                        new QuestionLimits(edge.maxInFlightPerCorpus(), edge.questionsPerSecond()),
                        edge));
        server = vertx.createHttpServer(HttpEdge.serverOptions(edge))
                .requestHandler(routes)
                .listen(0, "127.0.0.1")
                .await();
        client = vertx.createWebSocketClient();
        recall = new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers(), null, "earliest"));
        recall.assign(List.of(new TopicPartition(topics.recall(), 0)));
        worker =
                new org.apache.kafka.clients.producer.KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (recall != null) {
            recall.close();
            worker.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theEventsOfAQuestionReachItsSocketInOrderWithItsRefAndTheLastFreesTheRef() throws Exception {
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        WebSocket socket = connect(frames);
        socket.writeTextMessage("{\"type\":\"ask\",\"ref\":\"q1\",\"question\":\"Who was dead?\"}");
        ConsumerRecord<String, byte[]> asked =
                awaitRouted(r -> !isCancel(r) && question(r).question().equals("Who was dead?"));
        Question question = question(asked);
        assertEquals(CORPUS, question.corpus());
        int partition = Integer.parseInt(header(asked, HeaderNames.REPLY_PARTITION));

        answer(partition, AnswerEvent.clues(question.id(), CORPUS, 0, List.of("Marley")));
        answer(partition, AnswerEvent.token(question.id(), CORPUS, 1, "Marley"));
        answer(
                partition,
                AnswerEvent.done(
                        2,
                        new Answer(
                                1,
                                question.id(),
                                CORPUS,
                                "Marley",
                                List.of("Marley"),
                                List.of(),
                                null,
                                "extractive",
                                null,
                                Map.of(),
                                null)));
        awaitFrames(frames, 3);
        assertEquals(
                List.of("clues", "token", "done"),
                frames.stream().map(f -> f.path("type").asText()).toList());
        assertTrue(
                frames.stream()
                        .allMatch(f -> f.path("ref").asText().equals("q1")
                                && f.path("questionId").asText().equals(question.id())),
                frames.toString());

        // the ref is free again once its question ended: a new ask under it is a new question
        socket.writeTextMessage("{\"type\":\"ask\",\"ref\":\"q1\",\"question\":\"Who was alive?\"}");
        Question again =
                question(awaitRouted(r -> !isCancel(r) && question(r).question().equals("Who was alive?")));
        assertNotEquals(question.id(), again.id(), "a question id is minted per ask, never reused");
        socket.close().await();
        awaitRouted(r -> isCancel(r) && question(r).id().equals(again.id()));
    }

    @Test
    void aCancelFrameEndsTheQuestionForTheClientAndTellsTheWorker() throws Exception {
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        WebSocket socket = connect(frames);
        socket.writeTextMessage("{\"type\":\"ask\",\"ref\":\"c1\",\"question\":\"Who rang the bells?\"}");
        Question question =
                question(awaitRouted(r -> !isCancel(r) && question(r).question().equals("Who rang the bells?")));
        socket.writeTextMessage("{\"type\":\"cancel\",\"ref\":\"c1\"}");
        awaitRouted(r -> isCancel(r) && question(r).id().equals(question.id()));
        awaitFrames(frames, 1);
        assertEquals("CANCELLED", frames.get(0).path("error").path("code").asText(), frames.toString());
        assertEquals("c1", frames.get(0).path("ref").asText());

        // a late event of the cancelled question is not delivered
        ConsumerRecord<String, byte[]> asked = routed.stream()
                .filter(r -> !isCancel(r) && question(r).id().equals(question.id()))
                .findFirst()
                .orElseThrow();
        answer(
                Integer.parseInt(header(asked, HeaderNames.REPLY_PARTITION)),
                AnswerEvent.token(question.id(), CORPUS, 0, "late"));
        socket.writeTextMessage("{\"type\":\"nonsense\",\"ref\":\"x\"}");
        awaitFrames(frames, 2);
        assertEquals(
                "SCHEMA_VIOLATION",
                frames.get(1).path("error").path("code").asText(),
                "the next frame is the refusal, not the cancelled question's token: " + frames);
        socket.close().await();
    }

    private static WebSocket connect(List<JsonNode> frames) throws Exception {
        WebSocket socket = client.connect(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(server.actualPort())
                        .setURI("/v1/corpora/" + CORPUS + "/ws"))
                .await(10, TimeUnit.SECONDS);
        socket.textMessageHandler(text -> frames.add(Json.read(text.getBytes(StandardCharsets.UTF_8), JsonNode.class)));
        return socket;
    }

    private static void answer(int partition, AnswerEvent event) throws Exception {
        worker.send(new ProducerRecord<>(topics.answerEvents(), partition, event.questionId(), Json.write(event)))
                .get();
    }

    /** The first recall record (read so far or arriving within 30 s) that {@code wanted} accepts. */
    private static synchronized ConsumerRecord<String, byte[]> awaitRouted(
            Predicate<ConsumerRecord<String, byte[]>> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            for (ConsumerRecord<String, byte[]> record : routed) {
                if (wanted.test(record)) {
                    return record;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no such recall record among " + routed.size());
            recall.poll(Duration.ofMillis(100)).forEach(routed::add);
        }
    }

    private static void awaitFrames(List<JsonNode> frames, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (frames.size() < count) {
            assertTrue(System.nanoTime() < deadline, "frames so far: " + frames);
            Thread.sleep(20);
        }
    }

    private static boolean isCancel(ConsumerRecord<String, byte[]> record) {
        return record.headers().lastHeader(HeaderNames.CANCEL) != null;
    }

    private static Question question(ConsumerRecord<String, byte[]> record) {
        return Json.read(record.value(), Question.class);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertTrue(header != null, "the recall record has no " + name + " header");
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
