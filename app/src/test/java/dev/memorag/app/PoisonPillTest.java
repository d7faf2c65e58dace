package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.client.IngestClient;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Progress;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every topic of the catalog is an input boundary: garbage bytes and records that are valid JSON of the wrong kind
 * or wrong in context are written to each of them while the whole embedded stack runs a corpus. Afterwards the
 * corpus still answers, a new document still goes all the way to memory, every bad record on a consumed topic is in
 * the dead-letter topic with its coordinates, and the stack restarted on the same data directory comes up healthy
 * without meeting any of them again.
 */
class PoisonPillTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CORPUS = "dickens";
    private static final String REPLIES = "it.poison.answers";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    /** Where a bad record landed, and what it was. */
    private record Written(String topic, int partition, long offset, String what) {
        String coordinates() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    @Test
    void badRecordsOnEveryTopicAreDeadLetteredAndNoStageStops() throws Exception {
        StackConfig config = StackConfig.defaults().isolatedIn(dataDir);
        TopicCatalog topics = config.topics();
        List<Written> written;
        Map<String, List<DeadLetter>> deadLettersBefore;
        try (EmbeddedStack stack = EmbeddedStack.start(config)) {
            TestKafka.createTopic(stack.bootstrapServers(), REPLIES);
            IngestClient admin = new IngestClient(stack.ingestUrl(), stack.adminToken());
            String token = admin.createCorpus(CORPUS).body().path("token").asText();
            IngestClient client = new IngestClient(stack.ingestUrl(), token);
            assertTrue(client.putText(
                            CORPUS,
                            "carol.txt",
                            "Marley was dead: to begin with. The prize turkey was "
                                    + "sent to Bob Cratchit's house in Camden Town by cab.")
                    .ok());
            awaitStage(client, "carol.txt", "memorized");

            written = writePoison(stack, topics, token);

            assertTrue(
                    askOverHttp(stack, token, "Where was the prize turkey sent?")
                            .contains("Camden Town"),
                    "the corpus still answers");
            assertTrue(client.putText(
                            CORPUS,
                            "chimes.txt",
                            "High up in the steeple of an old church, far above "
                                    + "the light and murmur of the town, the bells hung.")
                    .ok());
            awaitStage(client, "chimes.txt", "memorized");
            assertTrue(
                    askOverHttp(stack, token, "Where did the bells hang?").contains("steeple"),
                    "a document written after the poison is answered from");

            Set<String> consumed = Set.of(
                    topics.documentsIn(),
                    topics.documents(),
                    topics.chunks(),
                    topics.corpora(),
                    topics.corpusRequests(),
                    topics.progress(),
                    topics.questions(),
                    topics.recall(),
                    topics.answerEvents());
            List<Written> expected =
                    written.stream().filter(w -> consumed.contains(w.topic())).toList();
            Map<String, List<DeadLetter>> dead = deadLettersByCoordinates(
                    stack.bootstrapServers(),
                    topics,
                    read -> byCoordinates(read)
                            .keySet()
                            .containsAll(
                                    expected.stream().map(Written::coordinates).toList()));
            List<String> missing = expected.stream()
                    .filter(w -> !dead.containsKey(w.coordinates()))
                    .map(w -> w.coordinates() + " " + w.what())
                    .toList();
            assertEquals(List.of(), missing, "bad records that no stage dead-lettered");
            for (Written w : expected) {
                for (DeadLetter d : dead.get(w.coordinates())) {
                    assertTrue(
                            d.stage() != null && !d.stage().isBlank() && d.message() != null,
                            () -> "a dead letter names its stage and reason: " + d);
                }
            }
            assertTrue(stack.health().live(), () -> "live: " + stack.health().parts());
            awaitReady(stack);
            deadLettersBefore = byCoordinates(TestKafka.committed(stack.bootstrapServers(), topics.deadLetters()));
        }

        try (EmbeddedStack restarted = EmbeddedStack.start(config)) {
            awaitReady(restarted);
            IngestClient admin = new IngestClient(restarted.ingestUrl(), restarted.adminToken());
            assertTrue(admin.putText(CORPUS, "after.txt", "The ghost of Christmas yet to come pointed onward.")
                    .ok());
            awaitStage(admin, "after.txt", "memorized");
            assertTrue(
                    restarted.health().live(),
                    () -> "live after the restart: " + restarted.health().parts());
            assertEquals(
                    deadLettersBefore,
                    byCoordinates(TestKafka.committed(restarted.bootstrapServers(), topics.deadLetters())),
                    "no stage met a bad record again after the restart");
        }
    }

    /** Writes the bad records: the same garbage to every topic, and per topic records that are wrong for it. */
    private static List<Written> writePoison(EmbeddedStack stack, TopicCatalog topics, String token) throws Exception {
        Random random = new Random(21);
        byte[] binary = new byte[512];
        random.nextBytes(binary);
        Map<String, byte[]> garbage = new LinkedHashMap<>();
        garbage.put("random bytes", binary);
        garbage.put("no bytes", new byte[0]);
        garbage.put("truncated JSON", bytes("{\"schemaVersion\":1,\"corpus\":\"dickens\""));
        garbage.put("an empty object", bytes("{}"));
        garbage.put("a JSON array", bytes("[1,2,3]"));
        garbage.put("a JSON string", bytes("\"dickens\""));
        garbage.put(
                "an Answer record (a reply-to aimed at an internal topic)",
                Json.write(Answer.failed("q-1", CORPUS, ErrorInfo.of(ErrorCode.INTERNAL, "wrong topic"))));

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> what = new ArrayList<>();
        for (TopicCatalog.TopicSpec spec : topics.all()) {
            garbage.forEach((name, value) -> {
                records.add(new ProducerRecord<>(spec.name(), bytes(CORPUS), value));
                what.add(name);
            });
            if (!spec.name().equals(topics.corpora())) { // a compacted topic refuses records without a key
                records.add(new ProducerRecord<>(spec.name(), null, binary));
                what.add("random bytes without a key");
                records.add(new ProducerRecord<>(spec.name(), bytes(CORPUS), null));
                what.add("a tombstone");
            }
        }
        String other = "austen";
        Chunk chunk = Chunk.upsert(CORPUS, "carol.txt", 1, 0, 1, "Marley was dead.", 5, new float[384]);
        add(
                records,
                what,
                topics.documentsIn(),
                other,
                Json.write(Document.upsert(other, "p.txt", "Pride")),
                "a document for a corpus that does not exist");
        add(
                records,
                what,
                topics.documents(),
                other,
                Json.write(AdmittedDocument.of(Document.upsert(CORPUS, "x.txt", "text"), 1, "0".repeat(64), 0)),
                "a document under another key");
        add(
                records,
                what,
                topics.chunks(),
                CORPUS,
                Json.write(Chunk.upsert(CORPUS, "carol.txt", 1, 5, 2, "Marley was dead.", 5, new float[384])),
                "chunk 5 of 2");
        add(
                records,
                what,
                topics.chunks(),
                CORPUS,
                Json.write(Chunk.upsert(CORPUS, "carol.txt", 1, 0, 1, "Marley was dead.", 5, new float[7])),
                "a vector of 7 dimensions");
        add(records, what, topics.chunks(), other, Json.write(chunk), "a chunk under another key");
        add(
                records,
                what,
                topics.corpora(),
                other,
                Json.write(Corpus.register(CORPUS, "stolen", 0)),
                "a registration under another corpus's key");
        add(
                records,
                what,
                topics.progress(),
                other,
                Json.write(new Progress(
                        1,
                        CORPUS,
                        "carol.txt",
                        1,
                        Progress.Stage.MEMORIZED,
                        1,
                        1,
                        1,
                        1,
                        "none",
                        0,
                        0,
                        0,
                        false,
                        0,
                        null)),
                "progress under another key");
        add(
                records,
                what,
                topics.recall(),
                other,
                Json.write(Question.of("q-recall", CORPUS, "Who?")),
                "a recall request under another key");
        ProducerRecord<byte[], byte[]> toInternal = new ProducerRecord<>(
                topics.questions(), bytes(CORPUS), Json.write(Question.of("q-internal", CORPUS, "Who was dead?")));
        toInternal.headers().add(HeaderNames.REPLY_TO, bytes(topics.chunks()));
        toInternal.headers().add(HeaderNames.AUTHORIZATION, bytes("Bearer " + token));
        records.add(toInternal);
        what.add("a question whose reply-to is the chunks topic");
        ProducerRecord<byte[], byte[]> forged = new ProducerRecord<>(
                topics.answerEvents(),
                bytes("q-forged"),
                Json.write(AnswerEvent.error("q-forged", CORPUS, 1, ErrorInfo.of(ErrorCode.INTERNAL, "forged"))));
        forged.headers().add(HeaderNames.REPLY_TO, bytes(topics.documentsIn()));
        records.add(forged);
        what.add("an answer event whose reply-to is the documents topic");

        List<Written> written = new ArrayList<>();
        try (var producer = TestKafka.producer(stack.bootstrapServers())) {
            List<java.util.concurrent.Future<RecordMetadata>> sent =
                    records.stream().map(producer::send).toList();
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                written.add(new Written(m.topic(), m.partition(), m.offset(), what.get(i)));
            }
        }
        return written;
    }

    private static void add(
            List<ProducerRecord<byte[], byte[]>> records,
            List<String> what,
            String topic,
            String key,
            byte[] value,
            String description) {
        records.add(new ProducerRecord<>(topic, bytes(key), value));
        what.add(description);
    }

    private static Map<String, List<DeadLetter>> deadLettersByCoordinates(
            String bootstrap,
            TopicCatalog topics,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        return byCoordinates(TestKafka.readUntil(bootstrap, List.of(topics.deadLetters()), done, WAIT));
    }

    private static Map<String, List<DeadLetter>> byCoordinates(List<ConsumerRecord<byte[], byte[]>> read) {
        Map<String, List<DeadLetter>> by = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read) {
            if (r.headers().lastHeader(HeaderNames.ERROR_CODE) == null) {
                continue; // the garbage this test wrote onto the dead-letter topic itself
            }
            DeadLetter d = DeadLetter.readFrom(r.headers());
            by.computeIfAbsent(
                            d.sourceTopic() + "-" + d.sourcePartition() + "@" + d.sourceOffset(),
                            k -> new ArrayList<>())
                    .add(d);
        }
        by.values().forEach(l -> l.sort(java.util.Comparator.comparing(DeadLetter::stage))); // stages in any order
        return by;
    }

    private static void awaitStage(IngestClient client, String doc, String stage) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String now = "";
        while (!now.equals(stage)) {
            assertTrue(System.nanoTime() < deadline, () -> doc + " reached " + stage + " in time");
            Thread.sleep(200);
            now = client.document(CORPUS, doc).body().path("stage").asText();
        }
    }

    private static void awaitReady(EmbeddedStack stack) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!stack.health().ready()) {
            assertTrue(
                    System.nanoTime() < deadline,
                    () -> "ready: " + stack.health().parts());
            Thread.sleep(200);
        }
    }

    private static String askOverHttp(EmbeddedStack stack, String token, String question) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/v1/corpora/" + CORPUS + "/ask"))
                        .header("authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("question", question))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        JsonNode answer = Json.MAPPER.readTree(response.body());
        return answer.path("evidence").toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
