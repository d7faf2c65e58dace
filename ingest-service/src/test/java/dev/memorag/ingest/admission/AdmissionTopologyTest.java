package dev.memorag.ingest.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.ingest.status.DocumentStatus;
import dev.memorag.ingest.status.StatusView;
import dev.memorag.ingest.status.StoreStatusView;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.JsonSerde;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.Progress;
import dev.memorag.schemas.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdmissionTopologyTest {
    private final TopicCatalog topics = TopicCatalog.defaults();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<String, AdmittedDocument> admitted;
    private TestOutputTopic<byte[], byte[]> dlq;
    private TestInputTopic<String, Corpus> corpora;
    private TestInputTopic<String, byte[]> chunks;
    private TestInputTopic<String, Progress> progress;
    private StatusView status;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "admission-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        deadLettering(props);
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
        driver = new TopologyTestDriver(AdmissionTopology.build(topics, new AdmissionConfig(100), clock), props);
        in = driver.createInputTopic(topics.documentsIn(), new ByteArraySerializer(), new ByteArraySerializer());
        admitted = driver.createOutputTopic(
                topics.documents(), new StringDeserializer(), new JsonSerde<>(AdmittedDocument.class));
        dlq = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        corpora = driver.createInputTopic(topics.corpora(), new StringSerializer(), new JsonSerde<>(Corpus.class));
        chunks = driver.createInputTopic(topics.chunks(), new StringSerializer(), new ByteArraySerializer());
        progress = driver.createInputTopic(topics.progress(), new StringSerializer(), new JsonSerde<>(Progress.class));
        corpora.pipeInput("dickens", Corpus.register("dickens", "token", 1));
        status = new StoreStatusView(new StoreStatusView.StoreLookup() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return driver.getKeyValueStore(name);
            }
        });
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    /** The dead-letter handling of {@link AdmissionService}. */
    private void deadLettering(Properties props) {
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
    }

    @Test
    void garbageOnTheStatusInputsIsDeadLetteredWithItsSourceAndTheStreamGoesOn() {
        TestInputTopic<String, byte[]> rawProgress =
                driver.createInputTopic(topics.progress(), new StringSerializer(), new ByteArraySerializer());
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        chunks.pipeInput("dickens", "\u0000garbage".getBytes(StandardCharsets.UTF_8));
        chunks.pipeInput("dickens", "{\"corpus\":\"dickens\"}".getBytes(StandardCharsets.UTF_8));
        chunks.pipeInput("dickens", (byte[]) null);
        rawProgress.pipeInput("dickens", "not json".getBytes(StandardCharsets.UTF_8));
        rawProgress.pipeInput("dickens", "{}".getBytes(StandardCharsets.UTF_8));
        rawProgress.pipeInput("dickens", Json.write(Chunk.delete("dickens", "carol", 1)));
        chunk("carol", 1, 0, 1);
        progress.pipeInput("dickens", report("carol", 1, Progress.Stage.MEMORIZED));

        List<DeadLetter> dead = dlq.readRecordsToList().stream()
                .map(r -> DeadLetter.readFrom(r.headers()))
                .toList();
        assertEquals(
                List.of(
                        topics.chunks(),
                        topics.chunks(),
                        topics.chunks(),
                        topics.progress(),
                        topics.progress(),
                        topics.progress()),
                dead.stream().map(DeadLetter::sourceTopic).toList());
        assertEquals(
                List.of(0L, 1L, 2L, 0L, 1L, 2L),
                dead.stream().map(DeadLetter::sourceOffset).toList());
        assertEquals(
                List.of(
                        ErrorCode.MALFORMED_JSON,
                        ErrorCode.SCHEMA_VIOLATION,
                        ErrorCode.MALFORMED_JSON,
                        ErrorCode.MALFORMED_JSON,
                        ErrorCode.SCHEMA_VIOLATION,
                        ErrorCode.SCHEMA_VIOLATION),
                dead.stream().map(DeadLetter::code).toList());
        assertEquals(
                List.of(
                        "ingest.track-chunks",
                        "ingest.track-chunks",
                        "ingest.track-chunks",
                        "ingest.progress",
                        "ingest.progress",
                        "ingest.progress"),
                dead.stream().map(DeadLetter::stage).toList());
        assertEquals(
                DocumentStatus.Stage.MEMORIZED,
                status.document("dickens", "carol").orElseThrow().stage(),
                "good records after the bad ones still move the status");
    }

    @Test
    void theRegistryIgnoresBadRegistrationsAndTheAuditDeadLettersThem() {
        TestInputTopic<String, byte[]> rawCorpora =
                driver.createInputTopic(topics.corpora(), new StringSerializer(), new ByteArraySerializer());
        rawCorpora.pipeInput("dickens", "garbage".getBytes(StandardCharsets.UTF_8));
        rawCorpora.pipeInput("dickens", Json.write(Corpus.register("austen", "t", 1)));
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        assertEquals(1, admitted.readValuesToList().size(), "the registered corpus is still registered");
        assertTrue(dlq.isEmpty());

        try (TopologyTestDriver audit = new TopologyTestDriver(AdmissionTopology.registry(topics), registryProps())) {
            TestInputTopic<String, byte[]> registry =
                    audit.createInputTopic(topics.corpora(), new StringSerializer(), new ByteArraySerializer());
            registry.pipeInput("dickens", Json.write(Corpus.register("dickens", "t", 1)));
            registry.pipeInput("dickens", "garbage".getBytes(StandardCharsets.UTF_8));
            registry.pipeInput("dickens", Json.write(Corpus.register("austen", "t", 1)));
            registry.pipeInput("dickens", (byte[]) null);
            List<TestRecord<byte[], byte[]>> dead = audit.createOutputTopic(
                            topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList();
            assertEquals(
                    List.of(1L, 2L),
                    dead.stream()
                            .map(r -> DeadLetter.readFrom(r.headers()).sourceOffset())
                            .toList());
            assertEquals(
                    List.of(ErrorCode.MALFORMED_JSON, ErrorCode.KEY_MISMATCH),
                    dead.stream()
                            .map(r -> DeadLetter.readFrom(r.headers()).code())
                            .toList());
            assertArrayEquals(
                    "garbage".getBytes(StandardCharsets.UTF_8), dead.get(0).value(), "original bytes");
        }
    }

    @Test
    void theFirstCreationOfAnIdIsRegisteredAndEveryLaterOneIsRefused() {
        try (TopologyTestDriver registry =
                new TopologyTestDriver(AdmissionTopology.registry(topics), registryProps())) {
            TestInputTopic<String, byte[]> requests = registry.createInputTopic(
                    topics.corpusRequests(), new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, byte[]> registrations =
                    registry.createInputTopic(topics.corpora(), new StringSerializer(), new ByteArraySerializer());
            registrations.pipeInput("dickens", Json.write(Corpus.register("dickens", "registered-before", 1)));
            requests.pipeInput("austen", Json.write(Corpus.register("austen", "first", 2)));
            requests.pipeInput("austen", Json.write(Corpus.register("austen", "second", 3)));
            requests.pipeInput("dickens", Json.write(Corpus.register("dickens", "taken", 4)));
            requests.pipeInput("bronte", Json.write(Corpus.register("austen", "filed-wrong", 5)));
            requests.pipeInput("bronte", (byte[]) null);
            registrations.pipeInput("dickens", (byte[]) null); // unregistered: the id is free again
            requests.pipeInput("dickens", Json.write(Corpus.register("dickens", "after-removal", 6)));

            List<Corpus> registered = registry.createOutputTopic(
                            topics.corpora(), new StringDeserializer(), new JsonSerde<>(Corpus.class))
                    .readValuesToList();
            assertEquals(
                    List.of("austen", "dickens"),
                    registered.stream().map(Corpus::id).toList());
            assertTrue(registered.get(0).acceptsToken("first"), "the first creation of austen holds it");
            assertTrue(registered.get(1).acceptsToken("after-removal"));
            List<DeadLetter> refused = registry
                    .createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList()
                    .stream()
                    .map(r -> DeadLetter.readFrom(r.headers()))
                    .toList();
            assertEquals(
                    List.of(
                            ErrorCode.CORPUS_EXISTS,
                            ErrorCode.CORPUS_EXISTS,
                            ErrorCode.KEY_MISMATCH,
                            ErrorCode.SCHEMA_VIOLATION),
                    refused.stream().map(DeadLetter::code).toList());
            assertEquals(
                    List.of(1L, 2L, 3L, 4L),
                    refused.stream().map(DeadLetter::sourceOffset).toList(),
                    "each refusal names its request");
        }
    }

    private Properties registryProps() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        deadLettering(props);
        return props;
    }

    private void send(String key, Object doc) {
        in.pipeInput(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                doc instanceof byte[] bytes ? bytes : Json.write(doc));
    }

    @Test
    void admitsAVersionedDocumentKeyedByCorpus() {
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        var record = admitted.readKeyValue();
        assertEquals("dickens", record.key);
        assertEquals(1, record.value.version());
        assertEquals(Op.UPSERT, record.value.op());
        assertEquals(64, record.value.sha256().length());
        assertEquals(1_700_000_000_000L, record.value.admittedAt());
        assertTrue(dlq.isEmpty());
    }

    @Test
    void resendingTheSameDocumentIsANoOpAndAChangeGetsTheNextVersion() {
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead, to begin with."));
        List<AdmittedDocument> out = admitted.readValuesToList();
        assertEquals(
                List.of(1L, 2L), out.stream().map(AdmittedDocument::version).toList());
    }

    @Test
    void deletesAreVersionedAfterTheUpsertsTheyFollowAndRepeatedDeletesAreNoOps() {
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        send("dickens", Document.delete("dickens", "carol"));
        send("dickens", Document.delete("dickens", "carol"));
        send("dickens", Document.delete("dickens", "never-admitted"));
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        List<AdmittedDocument> out = admitted.readValuesToList();
        assertEquals(
                List.of(Op.UPSERT, Op.DELETE, Op.UPSERT),
                out.stream().map(AdmittedDocument::op).toList());
        assertEquals(
                List.of(1L, 2L, 3L), out.stream().map(AdmittedDocument::version).toList());
    }

    @Test
    void everyRejectionClassLandsInTheDeadLetterTopicWithReasonAndSource() {
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        send("dickens", "{not json".getBytes(StandardCharsets.UTF_8));
        send("dickens", badUtf8);
        send(
                "dickens",
                "{\"schemaVersion\":1,\"corpus\":\"dickens\",\"id\":\"d\",\"op\":\"upsert\",\"text\":\"\"}"
                        .getBytes(StandardCharsets.UTF_8));
        send("dickens", Document.upsert("dickens", "big", "x".repeat(101)));
        send("austen", Document.upsert("dickens", "carol", "Marley was dead."));
        send("dickens", Document.upsert("Dickens!", "carol", "Marley was dead."));
        send("dickens", Document.upsert("dickens", "a/b", "Marley was dead."));
        send("tolstoy", Document.upsert("tolstoy", "war-and-peace", "Well, Prince, so Genoa and Lucca..."));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        List<ErrorCode> codes =
                dead.stream().map(r -> DeadLetter.readFrom(r.headers()).code()).toList();
        assertEquals(
                List.of(
                        ErrorCode.MALFORMED_JSON,
                        ErrorCode.MALFORMED_JSON,
                        ErrorCode.SCHEMA_VIOLATION,
                        ErrorCode.TOO_LARGE,
                        ErrorCode.KEY_MISMATCH,
                        ErrorCode.SCHEMA_VIOLATION,
                        ErrorCode.SCHEMA_VIOLATION,
                        ErrorCode.UNKNOWN_CORPUS),
                codes);
        for (int i = 0; i < dead.size(); i++) {
            DeadLetter reason = DeadLetter.readFrom(dead.get(i).headers());
            assertEquals(topics.documentsIn(), reason.sourceTopic());
            assertEquals(i, reason.sourceOffset());
            assertTrue(!reason.message().isBlank());
        }
        assertArrayEquals(
                "{not json".getBytes(StandardCharsets.UTF_8), dead.get(0).value(), "the original bytes are kept");
        assertTrue(DeadLetter.readFrom(dead.get(2).headers()).message().contains("text"));
        assertTrue(DeadLetter.readFrom(dead.get(6).headers()).message().contains("id"));
        assertTrue(DeadLetter.readFrom(dead.get(7).headers()).message().contains("tolstoy"));
        assertTrue(admitted.isEmpty());
        assertEquals(
                DocumentStatus.Stage.REJECTED,
                status.document("dickens", "big").orElseThrow().stage());
        assertEquals(
                "TOO_LARGE",
                status.document("dickens", "big").orElseThrow().lastRejection().code());
    }

    @Test
    void aCorpusRemovedFromTheRegistryNoLongerAdmitsDocuments() {
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        corpora.pipeInput("dickens", (Corpus) null);
        send("dickens", Document.upsert("dickens", "chimes", "High up in the steeple of an old church."));
        assertEquals(1, admitted.readValuesToList().size());
        assertEquals(
                ErrorCode.UNKNOWN_CORPUS,
                DeadLetter.readFrom(dlq.readRecord().headers()).code());
    }

    @Test
    void statusFollowsAVersionThroughChunkingAndMemoryAndIgnoresStaleReports() {
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        assertEquals(
                DocumentStatus.Stage.ADMITTED,
                status.document("dickens", "carol").orElseThrow().stage());
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead, to begin with."));
        chunk("carol", 1, 0, 1); // the first version's chunk arrives late: it must not mark version 2 chunked
        assertEquals(
                DocumentStatus.Stage.ADMITTED,
                status.document("dickens", "carol").orElseThrow().stage());
        chunk("carol", 2, 0, 2);
        assertEquals(
                DocumentStatus.Stage.ADMITTED,
                status.document("dickens", "carol").orElseThrow().stage(),
                "one of two chunks is not chunked yet");
        chunk("carol", 2, 1, 2);
        DocumentStatus chunked = status.document("dickens", "carol").orElseThrow();
        assertEquals(DocumentStatus.Stage.CHUNKED, chunked.stage());
        assertEquals(2, chunked.chunks());
        progress.pipeInput("dickens", report("carol", 2, Progress.Stage.MEMORIZED));
        assertEquals(
                DocumentStatus.Stage.MEMORIZED,
                status.document("dickens", "carol").orElseThrow().stage());
        assertEquals(7, status.progress("dickens").orElseThrow().corpusTokens());

        send(
                "dickens",
                "{\"schemaVersion\":1,\"corpus\":\"dickens\",\"id\":\"carol\",\"op\":\"upsert\"}"
                        .getBytes(StandardCharsets.UTF_8));
        DocumentStatus afterBadResend = status.document("dickens", "carol").orElseThrow();
        assertEquals(DocumentStatus.Stage.MEMORIZED, afterBadResend.stage(), "a rejected re-send hides nothing");
        assertEquals("SCHEMA_VIOLATION", afterBadResend.lastRejection().code());

        send("dickens", Document.delete("dickens", "carol"));
        chunks.pipeInput("dickens", Json.write(Chunk.delete("dickens", "carol", 3)));
        progress.pipeInput("dickens", report("carol", 3, Progress.Stage.DELETED));
        DocumentStatus deleted = status.document("dickens", "carol").orElseThrow();
        assertEquals(DocumentStatus.Stage.DELETED, deleted.stage());
        assertEquals(Op.DELETE, deleted.op());
        assertEquals(
                List.of("carol"),
                status.documents("dickens").stream().map(DocumentStatus::doc).toList());
        assertTrue(status.documents("dicken").isEmpty(), "listing is by exact corpus, not by name prefix");
    }

    private void chunk(String doc, long version, int index, int count) {
        chunks.pipeInput(
                "dickens", Json.write(Chunk.upsert("dickens", doc, version, index, count, "t", 3, new float[] {1f})));
    }

    private static Progress report(String doc, long version, Progress.Stage stage) {
        return new Progress(1, "dickens", doc, version, stage, 2, 1, 2, 7, "none", 0, 0, 0, false, 1, null);
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual, String message) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, message);
    }
}
