package dev.memorag.ingest.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.JsonSerde;
import dev.memorag.schemas.Op;
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
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
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

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "admission-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
        driver = new TopologyTestDriver(AdmissionTopology.build(topics, new AdmissionConfig(100), clock), props);
        in = driver.createInputTopic(topics.documentsIn(), new ByteArraySerializer(), new ByteArraySerializer());
        admitted = driver.createOutputTopic(topics.documents(), new StringDeserializer(),
                new JsonSerde<>(AdmittedDocument.class));
        dlq = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String key, Object doc) {
        in.pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
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
        assertEquals(List.of(1L, 2L), out.stream().map(AdmittedDocument::version).toList());
    }

    @Test
    void deletesAreVersionedAfterTheUpsertsTheyFollowAndRepeatedDeletesAreNoOps() {
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        send("dickens", Document.delete("dickens", "carol"));
        send("dickens", Document.delete("dickens", "carol"));
        send("dickens", Document.delete("dickens", "never-admitted"));
        send("dickens", Document.upsert("dickens", "carol", "Marley was dead."));
        List<AdmittedDocument> out = admitted.readValuesToList();
        assertEquals(List.of(Op.UPSERT, Op.DELETE, Op.UPSERT), out.stream().map(AdmittedDocument::op).toList());
        assertEquals(List.of(1L, 2L, 3L), out.stream().map(AdmittedDocument::version).toList());
    }

    @Test
    void everyRejectionClassLandsInTheDeadLetterTopicWithReasonAndSource() {
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        send("dickens", "{not json".getBytes(StandardCharsets.UTF_8));
        send("dickens", badUtf8);
        send("dickens", "{\"schemaVersion\":1,\"corpus\":\"dickens\",\"id\":\"d\",\"op\":\"upsert\",\"text\":\"\"}"
                .getBytes(StandardCharsets.UTF_8));
        send("dickens", Document.upsert("dickens", "big", "x".repeat(101)));
        send("austen", Document.upsert("dickens", "carol", "Marley was dead."));
        send("dickens", Document.upsert("Dickens!", "carol", "Marley was dead."));
        send("dickens", Document.upsert("dickens", "a/b", "Marley was dead."));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        List<ErrorCode> codes = dead.stream().map(r -> DeadLetter.readFrom(r.headers()).code()).toList();
        assertEquals(List.of(ErrorCode.MALFORMED_JSON, ErrorCode.MALFORMED_JSON, ErrorCode.SCHEMA_VIOLATION,
                ErrorCode.TOO_LARGE, ErrorCode.KEY_MISMATCH, ErrorCode.SCHEMA_VIOLATION, ErrorCode.SCHEMA_VIOLATION),
                codes);
        for (int i = 0; i < dead.size(); i++) {
            DeadLetter reason = DeadLetter.readFrom(dead.get(i).headers());
            assertEquals(topics.documentsIn(), reason.sourceTopic());
            assertEquals(i, reason.sourceOffset());
            assertTrue(!reason.message().isBlank());
        }
        assertArrayEquals("{not json".getBytes(StandardCharsets.UTF_8), dead.get(0).value(),
                "the original bytes are kept");
        assertTrue(DeadLetter.readFrom(dead.get(2).headers()).message().contains("text"));
        assertTrue(DeadLetter.readFrom(dead.get(6).headers()).message().contains("id"));
        assertTrue(admitted.isEmpty());
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual, String message) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, message);
    }
}
