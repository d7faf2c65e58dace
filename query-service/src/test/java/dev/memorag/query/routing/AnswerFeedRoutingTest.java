package dev.memorag.query.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * Query-service instances sharing {@code answer-events} on a real broker: each reads its own partitions, names one
 * of them on the questions it routes, and receives the events of its own questions only. Standing in for the worker,
 * the test answers each recall record on the partition it names, as the worker does. When a rebalance takes a
 * partition away, the askers waiting on it are told to ask again; the others keep waiting and get their answers.
 */
class AnswerFeedRoutingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;

    TopicCatalog topics;
    Vertx vertx;
    final List<Instance> instances = new ArrayList<>();
    KafkaConsumer<String, byte[]> recall;
    org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> worker;

    /** One query-service instance's routing: its router, the producer it routes with, its answer feed. */
    record Instance(RecallRouter router, KafkaProducer<String, byte[]> producer, AnswerEventsFeed feed) {
        Set<Integer> partitions() {
            return router.replyPartitions().owned();
        }
    }

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
        topics = new TopicCatalog("t" + UUID.randomUUID().toString().substring(0, 8) + ".", 4);
        TopicCreator.ensure(broker.bootstrapServers(), topics.all());
        vertx = Vertx.vertx();
        recall = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-worker",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        recall.subscribe(List.of(topics.recall()));
        worker = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        for (Instance instance : instances) {
            instance.feed().close().await();
            instance.producer().close().await();
        }
        recall.close();
        worker.close();
        vertx.close().await();
    }

    private Instance startInstance() {
        KafkaProducer<String, byte[]> producer =
                KafkaProducer.create(vertx, KafkaClients.producer(broker.bootstrapServers()));
        RecallRouter router = new RecallRouter(topics, producer, new SimpleMeterRegistry());
        AnswerEventsFeed feed = new AnswerEventsFeed(vertx, broker.bootstrapServers(), topics);
        feed.start(topics.answerEvents(), router, new Health().part("query.answer-feed"), new SimpleMeterRegistry())
                .await();
        Instance instance = new Instance(router, producer, feed);
        instances.add(instance);
        return instance;
    }

    @Test
    void eachInstanceReceivesTheEventsOfItsOwnQuestionsOnly() throws Exception {
        Instance a = startInstance();
        Instance b = startInstance();
        await(() -> a.partitions().size() == 2 && b.partitions().size() == 2, "the partitions split 2 + 2");

        Map<String, List<AnswerEvent>> heard = new ConcurrentHashMap<>();
        Map<String, List<AnswerEvent>> overheard = new ConcurrentHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Instance asker = i % 2 == 0 ? a : b;
            Instance other = i % 2 == 0 ? b : a;
            String id = "q" + i;
            ids.add(id);
            heard.put(id, new CopyOnWriteArrayList<>());
            overheard.put(id, new CopyOnWriteArrayList<>());
            asker.router().listen(id, heard.get(id)::add);
            other.router().listen(id, overheard.get(id)::add); // never routed there: must hear nothing
            asker.router()
                    .route(Question.of(id, "corpus-" + i, "what?"), null, null)
                    .await();
        }
        Map<String, Integer> partitions = answerRecallRecords(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Instance asker = i % 2 == 0 ? a : b;
            assertTrue(
                    asker.partitions().contains(partitions.get(ids.get(i))),
                    ids.get(i) + " named a partition its asker does not read");
        }
        await(() -> ids.stream().allMatch(id -> heard.get(id).size() == 2), "every asker hears token and done");
        ids.forEach(id -> assertEquals(
                List.of(AnswerEvent.Type.TOKEN, AnswerEvent.Type.DONE),
                heard.get(id).stream().map(AnswerEvent::type).toList(),
                id));
        Thread.sleep(500); // the other instance polls on: had it read these partitions, it would have heard by now
        ids.forEach(id -> assertEquals(List.of(), overheard.get(id), id + " reached an instance that did not ask"));
    }

    @Test
    void askersOnAPartitionThatMovesAreToldToAskAgainAndTheOthersGetTheirAnswers() throws Exception {
        Instance a = startInstance();
        await(() -> a.partitions().size() == 4, "a single instance reads every partition");
        Map<String, List<AnswerEvent>> heard = new ConcurrentHashMap<>();
        List<String> ids = List.of("p0", "p1", "p2", "p3");
        for (String id : ids) {
            heard.put(id, new CopyOnWriteArrayList<>());
            a.router().listen(id, heard.get(id)::add);
            a.router().route(Question.of(id, "corpus", "what?"), null, null).await();
        }
        Map<String, Integer> partitions = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (partitions.size() < ids.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : recall.poll(Duration.ofMillis(200))) {
                partitions.put(Json.read(r.value(), Question.class).id(), replyPartition(r));
            }
        }
        assertEquals(Set.of(0, 1, 2, 3), Set.copyOf(partitions.values()), "questions spread over the partitions");

        Instance b = startInstance();
        await(() -> a.partitions().size() == 2 && b.partitions().size() == 2, "the partitions split 2 + 2");
        for (String id : ids) {
            answer(id, partitions.get(id));
        }
        await(
                () -> ids.stream()
                        .allMatch(id -> !heard.get(id).isEmpty()
                                && heard.get(id).get(heard.get(id).size() - 1).terminal()),
                "every asker hears the end");
        for (String id : ids) {
            List<AnswerEvent.Type> types =
                    heard.get(id).stream().map(AnswerEvent::type).toList();
            if (a.partitions().contains(partitions.get(id))) {
                assertEquals(List.of(AnswerEvent.Type.TOKEN, AnswerEvent.Type.DONE), types, id);
            } else {
                assertEquals(List.of(AnswerEvent.Type.ERROR), types, id);
                assertEquals(
                        ErrorCode.UNAVAILABLE.name(),
                        heard.get(id).get(0).error().code());
            }
        }
    }

    /** Reads {@code count} recall records and answers each as the worker does; returns each question's partition. */
    private Map<String, Integer> answerRecallRecords(int count) {
        Map<String, Integer> partitions = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (partitions.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : recall.poll(Duration.ofMillis(200))) {
                String id = Json.read(r.value(), Question.class).id();
                partitions.put(id, replyPartition(r));
                answer(id, replyPartition(r));
            }
        }
        assertEquals(count, partitions.size(), "recall records read");
        return partitions;
    }

    private void answer(String questionId, int partition) {
        worker.send(new ProducerRecord<>(
                topics.answerEvents(),
                partition,
                questionId,
                Json.write(AnswerEvent.token(questionId, "corpus", 0, "forty-two"))));
        worker.send(new ProducerRecord<>(
                topics.answerEvents(),
                partition,
                questionId,
                Json.write(AnswerEvent.done(
                        1,
                        new Answer(
                                1,
                                questionId,
                                "corpus",
                                "forty-two",
                                List.of(),
                                List.of(),
                                null,
                                "extractive",
                                null,
                                Map.of(),
                                null)))));
        worker.flush();
    }

    private static int replyPartition(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(HeaderNames.REPLY_PARTITION);
        assertTrue(header != null, "a routed question names its reply partition");
        return Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
