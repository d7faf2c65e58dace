package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.cli.MemoragCli;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.worker.store.RocksCorpusStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end through the real parts: KRaft broker, Streams admission, Flink MiniCluster with
 * real bge-small embeddings, RocksDB worker, Vert.x query service; plain Kafka clients and HTTP outside.
 */
class EmbeddedStackTest {
    private static final String CORPUS = "carol";
    private static final String QUESTION = "To which part of London did Scrooge send the prize turkey?";
    private static final String LATE_QUESTION_ID = "asked-while-stopping";

    @TempDir
    Path dataDir;

    @Test
    void aDocumentAndAQuestionOnKafkaGetAnAnswerWhoseEvidenceHoldsThePassageAndItSurvivesARestart() throws Exception {
        StackConfig config = StackConfig.defaults().isolatedIn(dataDir);
        String text = Files.readString(Path.of("..", "samples", "a-christmas-carol.txt"));
        String replyTo = "it.answers";
        try (EmbeddedStack stack = EmbeddedStack.start(config)) {
            TestKafka.createTopic(stack.bootstrapServers(), replyTo); // reply topics are made by operators
            HttpResponse<String> created = createCorpus(stack);
            assertEquals(201, created.statusCode(), created::body);
            try (var producer = producer(stack)) {
                producer.send(new ProducerRecord<>(
                                config.topics().documentsIn(),
                                CORPUS,
                                Json.write(Document.upsert(CORPUS, "carol.txt", text))))
                        .get();
                producer.send(new ProducerRecord<>(
                                config.topics().documentsIn(),
                                CORPUS,
                                "{\"oops\": true}".getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            awaitPassages(stack);

            Answer viaKafka = askOverKafka(stack, replyTo, "corr-1");
            assertEvidenceHoldsTheAnswer(viaKafka);
            assertEquals("none", viaKafka.memory().backend(), "the answer says which memory backend ran");
            assertEquals("extractive", viaKafka.generator());

            JsonNode viaHttp = askOverHttp(stack, QUESTION);
            List<Integer> httpEvidence = new ArrayList<>();
            viaHttp.path("evidence")
                    .forEach(e -> httpEvidence.add(e.path("index").asInt()));
            assertEquals(
                    viaKafka.evidence().stream().map(Answer.Evidence::index).toList(),
                    httpEvidence,
                    "HTTP and Kafka answers come from the same retrieval");

            DeadLetter rejected = DeadLetter.readFrom(
                    readOne(stack, config.topics().deadLetters()).headers());
            assertEquals(ErrorCode.SCHEMA_VIOLATION, rejected.code());
            assertEquals(config.topics().documentsIn(), rejected.sourceTopic());

            Path chimes = Files.writeString(
                    dataDir.resolve("chimes.md"),
                    "High up in the steeple of an old church, far above the light and murmur of the town.");
            int exit = MemoragCli.commandLine()
                    .execute(
                            "ingest",
                            CORPUS,
                            "--url",
                            stack.ingestUrl(),
                            "--token",
                            stack.adminToken(),
                            "--timeout",
                            "PT2M",
                            chimes.toString());
            assertEquals(0, exit, "memorag ingest follows the file until it is memorized");
            JsonNode status = getJson(stack.ingestUrl() + "/v1/corpora/" + CORPUS + "/status", stack.adminToken());
            assertEquals(2, status.path("documents").asInt(), status::toString);
            assertEquals(0, status.path("pending").asInt(), status::toString);
            assertEquals(2, status.path("memory").path("documents").asInt(), status::toString);

            // a question still on its way when everything stops must be answered after the restart
            try (var producer = producer(stack)) {
                producer.send(question(stack, LATE_QUESTION_ID, replyTo, "corr-late"))
                        .get();
            }
        }

        try (EmbeddedStack restarted = EmbeddedStack.start(config)) {
            Answer late = awaitAnswer(restarted, replyTo, LATE_QUESTION_ID, "corr-late");
            assertEvidenceHoldsTheAnswer(late);
            assertTrue(restarted.store().stats(CORPUS).chunks() > 0, "the worker's store kept the passages");
            assertEvidenceHoldsTheAnswer(askOverKafka(restarted, replyTo, "corr-2"));
            JsonNode viaHttp = askOverHttp(restarted, QUESTION);
            assertTrue(viaHttp.path("evidence").toString().contains("carry that to Camden Town"), viaHttp::toString);
        }

        // a worker that lost its state rebuilds the corpus from the retained chunks topic
        long stored = chunkCount(config);
        deleteRecursively(dataDir.resolve("worker"));
        try (EmbeddedStack rebuilt = EmbeddedStack.start(config)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (rebuilt.store().stats(CORPUS).chunks() < stored) {
                assertTrue(System.nanoTime() < deadline, "rebuilt within 2 minutes");
                Thread.sleep(200);
            }
            assertEquals(stored, rebuilt.store().stats(CORPUS).chunks(), "nothing lost, nothing applied twice");
            assertEvidenceHoldsTheAnswer(askOverKafka(rebuilt, replyTo, "corr-3"));
        }
    }

    private static long chunkCount(StackConfig config) throws Exception {
        try (var store = new RocksCorpusStore(config.dataDir().resolve("worker"))) {
            return store.stats(CORPUS).chunks();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void assertEvidenceHoldsTheAnswer(Answer answer) {
        assertNotNull(answer.evidence(), () -> "an answer, not an error: " + answer);
        assertTrue(
                answer.evidence().stream()
                        .anyMatch(e -> e.text()
                                .replaceAll("\\s+", " ")
                                .contains("it's impossible to carry that to Camden Town")),
                () -> "the passage sending the turkey to Camden Town is in the evidence: " + answer.evidence());
        assertTrue(answer.clues().contains(QUESTION), "the question is always a clue");
    }

    private static void awaitPassages(EmbeddedStack stack) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long last = -1;
        int stable = 0;
        while (stable < 4) {
            assertTrue(System.nanoTime() < deadline, "passages were stored within 3 minutes");
            Thread.sleep(500);
            long now = stack.store().stats(CORPUS).chunks();
            stable = now > 0 && now == last ? stable + 1 : 0;
            last = now;
        }
    }

    private static Answer askOverKafka(EmbeddedStack stack, String replyTo, String correlationId) throws Exception {
        String id = UUID.randomUUID().toString();
        try (var producer = producer(stack)) {
            producer.send(question(stack, id, replyTo, correlationId)).get();
        }
        return awaitAnswer(stack, replyTo, id, correlationId);
    }

    private static ProducerRecord<String, byte[]> question(
            EmbeddedStack stack, String id, String replyTo, String correlationId) {
        var record = new ProducerRecord<>(
                stack.config().topics().questions(), CORPUS, Json.write(Question.of(id, CORPUS, QUESTION)));
        record.headers().add(HeaderNames.REPLY_TO, replyTo.getBytes(StandardCharsets.UTF_8));
        record.headers().add(HeaderNames.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(HeaderNames.AUTHORIZATION, ("Bearer " + stack.adminToken()).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** The answer to question {@code id} on the reply topic, read from its beginning (duplicates share the id). */
    private static Answer awaitAnswer(EmbeddedStack stack, String replyTo, String id, String correlationId) {
        try (var consumer = consumer(stack)) {
            consumer.subscribe(List.of(replyTo));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(r.key())) {
                        assertEquals(correlationId, DeadLetter.get(r.headers(), HeaderNames.CORRELATION_ID));
                        return Json.read(r.value(), Answer.class);
                    }
                }
            }
        }
        throw new AssertionError("no answer to " + id + " on " + replyTo + " within 90 s");
    }

    private static ConsumerRecord<String, byte[]> readOne(EmbeddedStack stack, String topic) {
        try (var consumer = consumer(stack)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            while (out.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            assertTrue(!out.isEmpty(), "a record on " + topic);
            return out.get(0);
        }
    }

    private static HttpResponse<String> createCorpus(EmbeddedStack stack) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/v1/corpora"))
                                .header("authorization", "Bearer " + stack.adminToken())
                                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + CORPUS + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(String url, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return Json.MAPPER.readTree(response.body());
    }

    private static JsonNode askOverHttp(EmbeddedStack stack, String question) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/v1/corpora/" + CORPUS + "/ask"))
                                .header("content-type", "application/json")
                                .header("authorization", "Bearer " + stack.adminToken())
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        Json.writeString(Map.of("question", question))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return Json.MAPPER.readTree(response.body());
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedStack stack) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(EmbeddedStack stack) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
