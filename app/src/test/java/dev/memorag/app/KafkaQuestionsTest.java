package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.app.client.IngestClient;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Questions from plain Kafka clients against the whole embedded stack: headers are input too. A reply-to is confined
 * to existing reply topics, a question needs its corpus token, an id is answered once, and whatever is refused gets
 * an error answer where one can be delivered and a dead letter.
 */
class KafkaQuestionsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** An operator-created topic that is not a reply topic (outside MEMORAG_REPLY_TOPICS). */
    private static final String FOREIGN = "orders";

    private static final String REPLIES = "it.kafka.answers";

    @TempDir
    static Path dataDir;

    static EmbeddedStack stack;
    static TopicCatalog topics;
    static final Map<String, String> TOKENS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        stack = EmbeddedStack.start(StackConfig.defaults().isolatedIn(dataDir));
        topics = stack.config().topics();
        TestKafka.createTopic(stack.bootstrapServers(), FOREIGN);
        TestKafka.createTopic(stack.bootstrapServers(), REPLIES);
        IngestClient admin = new IngestClient(stack.ingestUrl(), stack.adminToken());
        for (String corpus : List.of("dickens", "austen")) {
            IngestClient.Reply created = admin.createCorpus(corpus);
            assertTrue(created.ok(), created::toString);
            TOKENS.put(corpus, created.body().path("token").asText());
        }
        assertTrue(admin.putText(
                        "dickens",
                        "carol.txt",
                        "Marley was dead: to begin with. The turkey was sent to "
                                + "Bob Cratchit's house in Camden Town by cab.")
                .ok());
        StackHttp.awaitMemorized(stack, stack.adminToken(), "dickens", "carol.txt");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aReplyToNamingAnInternalUnknownOrForeignTopicIsRefusedAndNothingLandsThere() throws Exception {
        Map<String, String> replyTos = new LinkedHashMap<>();
        for (TopicCatalog.TopicSpec internal : topics.all()) {
            if (!internal.name().equals(topics.answers())) {
                replyTos.put(UUID.randomUUID().toString(), internal.name());
            }
        }
        for (String name : List.of(
                topics.prefix() + "answers.mine",
                "__consumer_offsets",
                "__transaction_state",
                "never.created.answers",
                FOREIGN,
                "no such topic!",
                "answers".repeat(40))) {
            replyTos.put(UUID.randomUUID().toString(), name);
        }
        List<String> reachable = new ArrayList<>(topics.all().stream()
                .map(TopicCatalog.TopicSpec::name)
                .filter(t -> !Set.of(topics.questions(), topics.answers(), topics.deadLetters(), topics.answerEvents())
                        .contains(t))
                .toList());
        reachable.add(FOREIGN);
        Set<String> topicsBefore = TestKafka.topicNames(stack.bootstrapServers());
        Map<String, Long> before = TestKafka.endOffsets(stack.bootstrapServers(), reachable);

        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            for (Map.Entry<String, String> q : replyTos.entrySet()) {
                producer.send(question(q.getKey(), "dickens", "Who was dead?", q.getValue(), TOKENS.get("dickens")))
                        .get();
            }
        }
        Set<String> refusedIds = replyTos.keySet();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> answers =
                TestKafka.keyed(stack.bootstrapServers(), topics.answers(), refusedIds, WAIT);
        for (String id : refusedIds) {
            Answer answer = Json.read(answers.get(id).get(0).value(), Answer.class);
            assertNotNull(answer.error(), () -> "refused: " + replyTos.get(id));
            assertEquals(
                    "REPLY_TO_REFUSED", answer.error().code(), answer.error().message());
            assertNull(answer.evidence(), "no corpus text in a refusal");
        }
        Set<String> deadIds =
                deadLetters(read -> questionIds(read, "REPLY_TO_REFUSED").containsAll(refusedIds)).stream()
                        .collect(Collectors.collectingAndThen(
                                Collectors.toList(), read -> questionIds(read, "REPLY_TO_REFUSED")));
        assertTrue(deadIds.containsAll(refusedIds), "every refused question is dead-lettered: " + deadIds);
        Map<String, Long> after = TestKafka.endOffsets(stack.bootstrapServers(), reachable);
        assertEquals(before, after, "no record landed on any internal or foreign topic (recall included)");
        assertEquals(topicsBefore, TestKafka.topicNames(stack.bootstrapServers()), "no topic was created");
    }

    @Test
    void aBurstPastTheWorkersQueueIsAnsweredWholeNeitherDroppedNorDoubled() throws Exception {
        // 600 questions at once: the worker queues 256 for the corpus, pauses the partition, and reads the rest as
        // the queue drains
        Set<String> ids = new LinkedHashSet<>();
        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            for (int i = 0; i < 600; i++) {
                String id = "burst-" + i + "-" + UUID.randomUUID();
                ids.add(id);
                producer.send(question(id, "dickens", "Where was the turkey sent?", REPLIES, TOKENS.get("dickens")));
            }
            producer.flush();
        }
        Map<String, List<ConsumerRecord<byte[], byte[]>>> answers =
                TestKafka.keyed(stack.bootstrapServers(), REPLIES, ids, Duration.ofMinutes(5));
        for (String id : ids) {
            assertEquals(1, answers.get(id).size(), () -> "answered once: " + id);
            Answer answer = Json.read(answers.get(id).get(0).value(), Answer.class);
            assertNull(answer.error(), () -> id + ": " + answer.error());
            assertTrue(answer.answer().contains("Camden Town"), answer.answer());
        }
    }

    @Test
    void aBurstOnOneCorpusDoesNotHoldBackAnotherCorpusQuestion() throws Exception {
        IngestClient admin = new IngestClient(stack.ingestUrl(), stack.adminToken());
        assertTrue(admin.putText(
                        "austen",
                        "pride.txt",
                        "It is a truth universally acknowledged, that a single man "
                                + "in possession of a good fortune, must be in want of a wife.")
                .ok());
        StackHttp.awaitMemorized(stack, stack.adminToken(), "austen", "pride.txt");
        // 200 questions to one corpus at once, then one to another: the worker serves corpora in turn, so the lone
        // question waits for the burst's questions already being answered, not for the burst
        Set<String> burst = new LinkedHashSet<>();
        String lone = "lone-" + UUID.randomUUID();
        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            for (int i = 0; i < 200; i++) {
                String id = "fair-" + i + "-" + UUID.randomUUID();
                burst.add(id);
                producer.send(question(id, "dickens", "Where was the turkey sent?", REPLIES, TOKENS.get("dickens")));
            }
            producer.flush();
            producer.send(question(
                            lone, "austen", "What must a single man of fortune want?", REPLIES, TOKENS.get("austen")))
                    .get();
        }
        Set<String> all = new LinkedHashSet<>(burst);
        all.add(lone);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> answers =
                TestKafka.keyed(stack.bootstrapServers(), REPLIES, all, Duration.ofMinutes(5));
        Answer answer = Json.read(answers.get(lone).get(0).value(), Answer.class);
        assertNull(answer.error(), () -> "" + answer.error());
        assertTrue(answer.answer().contains("wife"), answer.answer());
        long answeredAt = answers.get(lone).get(0).timestamp();
        long burstAnsweredBefore = burst.stream()
                .filter(id -> answers.get(id).get(0).timestamp() < answeredAt)
                .count();
        // first come first served would answer it after all 200; a handful go while it is read and dispatched
        assertTrue(burstAnsweredBefore < 50, burstAnsweredBefore + " of the burst's 200 answers came before it");
    }

    @Test
    void kafkaQuestionsNeedTheirCorpusTokenOrTheAdminToken() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("none-" + UUID.randomUUID(), null);
        tokens.put("wrong-" + UUID.randomUUID(), "not-a-token");
        tokens.put("other-" + UUID.randomUUID(), TOKENS.get("austen"));
        tokens.put("own-" + UUID.randomUUID(), TOKENS.get("dickens"));
        tokens.put("admin-" + UUID.randomUUID(), stack.adminToken());
        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            for (Map.Entry<String, String> q : tokens.entrySet()) {
                producer.send(question(q.getKey(), "dickens", "Where was the turkey sent?", REPLIES, q.getValue()))
                        .get();
            }
        }
        Map<String, List<ConsumerRecord<byte[], byte[]>>> answers =
                TestKafka.keyed(stack.bootstrapServers(), REPLIES, tokens.keySet(), WAIT);
        Map<String, String> outcome = new HashMap<>();
        answers.forEach((id, records) -> {
            Answer answer = Json.read(records.get(0).value(), Answer.class);
            outcome.put(
                    id.substring(0, id.indexOf('-')),
                    answer.error() != null
                            ? answer.error().code()
                            : answer.evidence().toString().contains("Camden Town") ? "ANSWERED" : "WRONG");
            if (answer.error() != null) {
                assertNull(answer.evidence(), "a refused question gets no corpus text");
            }
        });
        assertEquals(
                Map.of(
                        "none",
                        "UNAUTHORIZED",
                        "wrong",
                        "UNAUTHORIZED",
                        "other",
                        "FORBIDDEN",
                        "own",
                        "ANSWERED",
                        "admin",
                        "ANSWERED"),
                outcome);
        for (ConsumerRecord<byte[], byte[]> event : TestKafka.readUntil(
                stack.bootstrapServers(), List.of(topics.recall()), read -> false, Duration.ofSeconds(2))) {
            String text = new String(event.value(), StandardCharsets.UTF_8);
            assertFalse(
                    text.contains("none-") || text.contains("wrong-") || text.contains("other-"),
                    "a refused question never reaches a worker: " + text);
            assertNull(event.headers().lastHeader(HeaderNames.AUTHORIZATION), "tokens are never forwarded");
        }
    }

    @Test
    void aQuestionIdSentTwiceIsAnsweredOnceAndTheRepeatIsToldSo() throws Exception {
        String id = "twice-" + UUID.randomUUID();
        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            producer.send(question(id, "dickens", "Who was dead?", REPLIES, TOKENS.get("dickens")))
                    .get();
            producer.send(question(id, "dickens", "Who was dead?", REPLIES, TOKENS.get("dickens")))
                    .get();
        }
        List<ConsumerRecord<byte[], byte[]>> replies = TestKafka.readUntil(
                        stack.bootstrapServers(),
                        List.of(REPLIES),
                        read -> read.stream()
                                        .filter(r -> id.equals(TestKafka.key(r)))
                                        .count()
                                >= 2,
                        WAIT)
                .stream()
                .filter(r -> id.equals(TestKafka.key(r)))
                .toList();
        List<String> kinds = replies.stream()
                .map(r -> Json.read(r.value(), Answer.class))
                .map(a -> a.error() == null ? "ANSWER" : a.error().code())
                .sorted()
                .toList();
        assertEquals(List.of("ANSWER", "DUPLICATE"), kinds);
        long routed = TestKafka.readUntil(
                        stack.bootstrapServers(), List.of(topics.recall()), read -> false, Duration.ofSeconds(2))
                .stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(id))
                .count();
        assertEquals(1, routed, "the repeat never reached a worker");
    }

    @Test
    void malformedQuestionsGetAnErrorAnswerWhereItCanBeDeliveredAndADeadLetter() throws Exception {
        String noText = "bad-" + UUID.randomUUID();
        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            ProducerRecord<byte[], byte[]> missing = new ProducerRecord<>(
                    topics.questions(),
                    bytes("dickens"),
                    bytes("{\"schemaVersion\":1,\"id\":\"" + noText + "\",\"corpus\":\"dickens\"}"));
            missing.headers().add(HeaderNames.REPLY_TO, bytes(REPLIES));
            missing.headers().add(HeaderNames.CORRELATION_ID, bytes("c-1"));
            producer.send(missing).get();
            producer.send(new ProducerRecord<>(topics.questions(), bytes("dickens"), new byte[] {(byte) 0xff, 0}))
                    .get();
        }
        ConsumerRecord<byte[], byte[]> reply = TestKafka.keyed(stack.bootstrapServers(), REPLIES, Set.of(noText), WAIT)
                .get(noText)
                .get(0);
        Answer answer = Json.read(reply.value(), Answer.class);
        assertEquals("SCHEMA_VIOLATION", answer.error().code());
        assertTrue(answer.error().message().contains("question"), answer.error().message());
        assertEquals("c-1", DeadLetter.get(reply.headers(), HeaderNames.CORRELATION_ID));
        List<String> codes = deadLetters(
                        read -> questionIds(read, "SCHEMA_VIOLATION").contains(noText)
                                && !questionIds(read, "MALFORMED_JSON").isEmpty())
                .stream()
                .map(r -> DeadLetter.readFrom(r.headers()))
                .filter(d ->
                        d.sourceTopic().equals(topics.questions()) && d.stage().equals("query.questions"))
                .map(d -> d.code().name())
                .toList();
        assertTrue(codes.containsAll(List.of("SCHEMA_VIOLATION", "MALFORMED_JSON")), codes::toString);
    }

    @Test
    void headersWithoutAValueAreNoObstacle() throws Exception {
        String valid = "bare-" + UUID.randomUUID();
        String invalid = "bare-bad-" + UUID.randomUUID();
        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            ProducerRecord<byte[], byte[]> asked =
                    question(valid, "dickens", "Who was dead?", REPLIES, TOKENS.get("dickens"));
            asked.headers().add("traceparent", null);
            asked.headers().add(HeaderNames.CORRELATION_ID, null);
            producer.send(asked).get();
            ProducerRecord<byte[], byte[]> broken = new ProducerRecord<>(
                    topics.questions(),
                    bytes("dickens"),
                    bytes("{\"schemaVersion\":1,\"id\":\"" + invalid + "\",\"corpus\":\"dickens\"}"));
            broken.headers().add(HeaderNames.REPLY_TO, bytes(REPLIES));
            broken.headers().add("traceparent", null);
            producer.send(broken).get();
        }
        Map<String, List<ConsumerRecord<byte[], byte[]>>> replies =
                TestKafka.keyed(stack.bootstrapServers(), REPLIES, Set.of(valid, invalid), WAIT);
        assertNull(Json.read(replies.get(valid).get(0).value(), Answer.class).error(), "answered");
        assertEquals(
                "SCHEMA_VIOLATION",
                Json.read(replies.get(invalid).get(0).value(), Answer.class)
                        .error()
                        .code());
        ConsumerRecord<byte[], byte[]> dead =
                deadLetters(read -> questionIds(read, "SCHEMA_VIOLATION").contains(invalid)).stream()
                        .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(invalid))
                        .findFirst()
                        .orElseThrow();
        assertEquals(0, dead.headers().lastHeader("traceparent").value().length, "kept, with an empty value");
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        return TestKafka.readUntil(stack.bootstrapServers(), List.of(topics.deadLetters()), done, WAIT);
    }

    /** The question ids (or "?" for a value that is not JSON) of the dead letters of intake with this code. */
    private static Set<String> questionIds(List<ConsumerRecord<byte[], byte[]>> deadLetters, String code) {
        Set<String> ids = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            DeadLetter reason = DeadLetter.readFrom(r.headers());
            if (reason.code().name().equals(code) && reason.sourceTopic().equals(topics.questions())) {
                try {
                    ids.add(Json.MAPPER.readTree(r.value()).path("id").asText("?"));
                } catch (java.io.IOException notJson) {
                    ids.add("?");
                }
            }
        }
        return ids;
    }

    private static ProducerRecord<byte[], byte[]> question(
            String id, String corpus, String text, String replyTo, String token) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topics.questions(), bytes(corpus), Json.write(Question.of(id, corpus, text)));
        if (replyTo != null) {
            record.headers().add(HeaderNames.REPLY_TO, bytes(replyTo));
        }
        if (token != null) {
            record.headers().add(HeaderNames.AUTHORIZATION, bytes("Bearer " + token));
        }
        return record;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
