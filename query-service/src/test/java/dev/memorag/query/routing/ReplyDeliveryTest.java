package dev.memorag.query.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.schemas.TopicCatalog.TopicSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reply delivery against a real broker, with a send that fails on purpose in front of the real producer: a failed
 * send is retried until Kafka has the answer, each answer reaches its reply topic once with its correlation id, and
 * the {@code query-replies} group's committed offset never moves past an answer Kafka has not acknowledged.
 */
class ReplyDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;

    TopicCatalog topics;
    /** A reply topic an operator created, within the default MEMORAG_REPLY_TOPICS pattern. */
    String replies;

    Vertx vertx;
    io.vertx.kafka.client.producer.KafkaProducer<String, byte[]> producer;
    io.vertx.kafka.client.producer.KafkaProducer<byte[], byte[]> deadLetterProducer;
    KafkaAdminClient admin;
    Routing routing;
    FaultySend send;
    ReplyDelivery delivery;
    Health.Part health;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        topics = new TopicCatalog("t" + run + ".", 1);
        replies = "it." + run + ".answers";
        List<TopicSpec> specs = new ArrayList<>(topics.all());
        specs.add(new TopicSpec(replies, 1, Map.of()));
        TopicCreator.ensure(broker.bootstrapServers(), specs);
        vertx = Vertx.vertx();
        producer = io.vertx.kafka.client.producer.KafkaProducer.create(
                vertx, KafkaClients.producer(broker.bootstrapServers()));
        deadLetterProducer = io.vertx.kafka.client.producer.KafkaProducer.create(
                vertx, KafkaClients.bytesProducer(broker.bootstrapServers()));
        admin = KafkaAdminClient.create(vertx, KafkaClients.admin(broker.bootstrapServers()));
        routing = new Routing(
                vertx, topics, KafkaQuestions.defaults(), admin, deadLetterProducer, new SimpleMeterRegistry());
        send = new FaultySend();
        health = new Health().part("query.replies");
        delivery = new ReplyDelivery(
                vertx,
                broker.bootstrapServers(),
                topics,
                send,
                routing.replyTopics(),
                routing.deadLetters(),
                routing.retrying(),
                health);
        delivery.start(topics.answerEvents()).await();
    }

    @AfterEach
    void stop() {
        routing.close();
        delivery.close().await();
        vertx.close().await();
    }

    @Test
    void aSendThatFailsOnceIsRetriedAndEachAnswerArrivesOnceWithItsCorrelationId() throws Exception {
        send.failOnce("q2", "q4");
        produceToken("q1");
        List<String> ids = List.of("q1", "q2", "q3", "q4", "q5");
        long last = -1;
        for (String id : ids) {
            last = produceAnswer(id);
        }

        Map<String, List<ConsumerRecord<String, String>>> byId = readReplies(ids.size());
        assertEquals(Set.copyOf(ids), byId.keySet());
        for (String id : ids) {
            assertEquals(1, byId.get(id).size(), id + " answered once");
            ConsumerRecord<String, String> reply = byId.get(id).get(0);
            assertEquals("c-" + id, header(reply, HeaderNames.CORRELATION_ID));
            Answer answer = Json.MAPPER.readValue(reply.value(), Answer.class);
            assertEquals(id, answer.questionId());
            assertEquals("the answer to " + id, answer.answer());
        }
        assertEquals(2, send.attempts("q2"));
        assertEquals(2, send.attempts("q4"));
        assertEquals(1, send.attempts("q1"), "the token event is no answer: only the final one is replied");
        long end = last + 1;
        await(() -> committed() == end, "everything delivered is committed");
        assertEquals(Health.State.UP, health.status().orElseThrow().state());
    }

    @Test
    void theCommittedOffsetNeverPassesAnAnswerWhoseSendHasNotSucceeded() throws Exception {
        send.hold("q2");
        produceAnswer("q1");
        long held = produceAnswer("q2");
        long last = produceAnswer("q3");

        await(() -> send.attempts("q3") == 1 && send.attempts("q2") >= 4, "q3 sent while q2 keeps failing");
        assertEquals(Set.of("q1", "q3"), readReplies(2).keySet());
        await(() -> committed() == held, "q1 committed");
        int before = send.attempts("q2");
        await(() -> send.attempts("q2") >= before + 2, "q2 retried");
        assertEquals(held, committed(), "still waiting on q2, although q3 after it was delivered");

        send.release("q2");
        await(() -> committed() == last + 1, "committed past q2 once Kafka has its answer");
        Map<String, List<ConsumerRecord<String, String>>> byId = readReplies(3);
        assertEquals(1, byId.get("q2").size());
        assertEquals("c-q2", header(byId.get("q2").get(0), HeaderNames.CORRELATION_ID));
    }

    @Test
    void anAnswerStillFailingAtShutdownIsNotCommittedPast() throws Exception {
        send.hold("q2");
        produceAnswer("q1");
        long held = produceAnswer("q2");
        produceAnswer("q3");
        await(() -> send.attempts("q3") == 1 && committed() == held, "q1 and q3 sent, q2 failing");

        // what QueryService.stop does first: retrying stops, the attempt still failing fails for good
        routing.close();
        int before = send.attempts("q2");
        await(() -> send.attempts("q2") == before + 1, "q2's last attempt");
        Thread.sleep(1000);
        assertEquals(held, committed(), "q2 is read again after a restart, not lost");
    }

    /** Appends a non-final event of {@code id} to the answer events. */
    private void produceToken(String id) throws Exception {
        produce(AnswerEvent.token(id, "dickens", 0, "the"), id);
    }

    /** Appends the final answer of {@code id}, to be replied on {@link #replies}; returns its offset. */
    private long produceAnswer(String id) throws Exception {
        Answer answer =
                new Answer(1, id, "dickens", "the answer to " + id, null, null, null, "extractive", null, null, null);
        return produce(AnswerEvent.done(1, answer), id);
    }

    private long produce(AnswerEvent event, String id) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, byte[]> events =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(topics.answerEvents(), 0, id, Json.write(event));
            record.headers().add(HeaderNames.REPLY_TO, replies.getBytes(StandardCharsets.UTF_8));
            record.headers().add(HeaderNames.CORRELATION_ID, ("c-" + id).getBytes(StandardCharsets.UTF_8));
            return events.send(record).get().offset();
        }
    }

    /** The replies by question id, read until {@code count} arrived and a second more (duplicates would show). */
    private Map<String, List<ConsumerRecord<String, String>>> readReplies(int count) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(replies));
            long deadline = System.nanoTime() + WAIT.toNanos();
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settled)) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                if (read.size() >= count && settled == Long.MAX_VALUE) {
                    settled = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        assertTrue(read.size() >= count, () -> "replies: " + read);
        return read.stream().collect(Collectors.groupingBy(ConsumerRecord::key));
    }

    /** The query-replies group's committed offset on the answer events, -1 before any commit. */
    private long committed() {
        try (Admin kafka =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            OffsetAndMetadata offset = kafka.listConsumerGroupOffsets(topics.prefix() + "query-replies")
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(new TopicPartition(topics.answerEvents(), 0));
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        assertNotNull(header, name);
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(100);
        }
    }

    /**
     * The producer's send, failing on purpose: the first attempt of some questions, and every attempt of a held
     * question until it is released.
     */
    private final class FaultySend implements Function<KafkaProducerRecord<String, byte[]>, Future<?>> {
        private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
        private final Set<String> held = ConcurrentHashMap.newKeySet();

        void failOnce(String... ids) {
            failOnce.addAll(List.of(ids));
        }

        void hold(String id) {
            held.add(id);
        }

        void release(String id) {
            held.remove(id);
        }

        int attempts(String id) {
            AtomicInteger n = attempts.get(id);
            return n == null ? 0 : n.get();
        }

        @Override
        public Future<?> apply(KafkaProducerRecord<String, byte[]> record) {
            int attempt = attempts.computeIfAbsent(record.key(), k -> new AtomicInteger())
                    .incrementAndGet();
            if (held.contains(record.key()) || (attempt == 1 && failOnce.contains(record.key()))) {
                return Future.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                        "injected: the send of " + record.key() + " timed out"));
            }
            return producer.send(record);
        }
    }
}
