package dev.memorag.ingest.admission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.ingest.status.StatusStores;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.JsonSerde;
import dev.memorag.schemas.JsonTrees;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.schemas.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Whatever a producer writes to {@code documents.in} (any bytes, any JSON, broken documents, any key and headers),
 * the real admission topology never throws and accounts for every record exactly once: one admitted document, one
 * dead letter with its reason and source, or nothing for a valid re-send of what is already admitted. One driver per
 * property, so tries build on each other's state (re-sends, new versions, deletes).
 */
class AdmissionProperties {
    private static final int MAX_TEXT_CHARS = 1_000;
    private static final List<String> DOCUMENT_FIELDS =
            List.of("schemaVersion", "corpus", "id", "op", "text", "title", "metadata");

    private final TopicCatalog topics = TopicCatalog.defaults();
    private final RecordValidator validator = new RecordValidator();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<String, AdmittedDocument> admitted;
    private TestOutputTopic<byte[], byte[]> dlq;
    private KeyValueStore<String, DocumentVersion> versions;
    private long nextOffset;

    @BeforeProperty
    void startTopology() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "admission-properties");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
        driver = new TopologyTestDriver(
                AdmissionTopology.build(topics, new AdmissionConfig(MAX_TEXT_CHARS), clock), props);
        in = driver.createInputTopic(topics.documentsIn(), new ByteArraySerializer(), new ByteArraySerializer());
        admitted = driver.createOutputTopic(
                topics.documents(), new StringDeserializer(), new JsonSerde<>(AdmittedDocument.class));
        dlq = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        driver.createInputTopic(topics.corpora(), new StringSerializer(), new JsonSerde<>(Corpus.class))
                .pipeInput("dickens", Corpus.register("dickens", "token", 1));
        versions = driver.getKeyValueStore(AdmissionTopology.VERSIONS_STORE);
    }

    @AfterProperty
    void closeTopology() {
        driver.close();
    }

    @Property(tries = 300)
    void randomBytesAreAdmittedDeadLetteredOrANoOp(
            @ForAll("recordKeys") byte[] key,
            @ForAll("randomBytes") byte[] value,
            @ForAll("recordHeaders") List<Header> headers) {
        pipeAndAccount(key, value, headers);
    }

    @Property(tries = 300)
    void arbitraryJsonIsAdmittedDeadLetteredOrANoOp(
            @ForAll("recordKeys") byte[] key,
            @ForAll("jsonTrees") JsonNode value,
            @ForAll("recordHeaders") List<Header> headers) {
        pipeAndAccount(key, Json.write(value), headers);
    }

    @Property(tries = 300)
    void mutatedDocumentsAreAdmittedDeadLetteredOrANoOp(
            @ForAll("recordKeys") byte[] key,
            @ForAll("mutatedDocumentJson") JsonNode value,
            @ForAll("recordHeaders") List<Header> headers) {
        pipeAndAccount(key, Json.write(value), headers);
        Statistics.coverage(coverage -> {
            coverage.check("admitted").count(n -> n > 0);
            coverage.check("no-op").count(n -> n > 0);
            coverage.check("SCHEMA_VIOLATION").count(n -> n > 0);
        });
    }

    /** Pipes one record (the driver must not throw) and checks it caused exactly one outcome, or a defined no-op. */
    private void pipeAndAccount(byte[] key, byte[] value, List<Header> headers) {
        Document valid = validDocumentOrNull(key, value);
        String storeKey = valid == null ? null : StatusStores.documentKey(valid.corpus(), valid.id());
        DocumentVersion before = storeKey == null ? null : versions.get(storeKey);
        long offset = nextOffset++;

        in.pipeInput(new TestRecord<>(key, value, new RecordHeaders(headers.toArray(Header[]::new))));

        List<TestRecord<String, AdmittedDocument>> admissions = admitted.readRecordsToList();
        List<TestRecord<byte[], byte[]>> deadLetters = dlq.readRecordsToList();
        assertTrue(
                admissions.size() + deadLetters.size() <= 1,
                "one outcome per record, not " + admissions.size() + " admissions and " + deadLetters.size()
                        + " dead letters");
        if (admissions.size() == 1) {
            Statistics.collect("admitted");
            checkAdmitted(valid, before, admissions.get(0));
        } else if (deadLetters.size() == 1) {
            checkDeadLetter(key, value, headers, offset, deadLetters.get(0));
        } else {
            Statistics.collect("no-op");
            checkNoOp(valid, before, storeKey);
        }
    }

    private void checkAdmitted(Document valid, DocumentVersion before, TestRecord<String, AdmittedDocument> out) {
        assertNotNull(valid, "only a valid document of a registered corpus is admitted");
        AdmittedDocument doc = out.value();
        assertEquals(valid.corpus(), out.key(), "keyed by corpus");
        assertEquals(valid.corpus(), doc.corpus());
        assertEquals(valid.id(), doc.id());
        assertEquals(valid.op(), doc.op());
        assertEquals(before == null ? 1 : before.version() + 1, doc.version(), "the next version");
    }

    private void checkDeadLetter(
            byte[] key, byte[] value, List<Header> headers, long offset, TestRecord<byte[], byte[]> out) {
        DeadLetter reason = DeadLetter.readFrom(out.headers());
        Statistics.collect(reason.code().name());
        assertNotEquals(
                ErrorCode.INTERNAL,
                reason.code(),
                "a refusal the processor chose, not an exception: " + reason.message());
        assertEquals(AdmissionProcessor.STAGE, reason.stage());
        assertFalse(reason.message().isBlank());
        assertEquals(topics.documentsIn(), reason.sourceTopic());
        assertEquals(0, reason.sourcePartition());
        assertEquals(offset, reason.sourceOffset());
        assertArrayEquals(key, out.key(), "the original key");
        assertArrayEquals(value, out.value(), "the original bytes");
        for (Header original : headers) {
            if (!original.key().startsWith("error.") && !original.key().startsWith("source.")) {
                assertTrue(contains(out.headers(), original), "the original header " + original.key());
            }
        }
    }

    /** Nothing out is right only for a valid re-send: an unchanged upsert, or a delete of what is deleted or new. */
    private void checkNoOp(Document valid, DocumentVersion before, String storeKey) {
        assertNotNull(valid, "a record that is not a valid document must be dead-lettered");
        if (valid.op() == Op.DELETE) {
            assertTrue(before == null || before.deleted(), "a delete of a live document must be admitted");
        } else {
            assertTrue(before != null && !before.deleted(), "an upsert of a new or deleted document must be admitted");
        }
        assertEquals(before, versions.get(storeKey), "a no-op changes no version");
    }

    /** The document if admission has to accept it (valid, keyed by or without a key, registered, small enough). */
    private Document validDocumentOrNull(byte[] key, byte[] value) {
        Document doc;
        try {
            doc = validator.parse(RecordType.DOCUMENT, value);
        } catch (InvalidRecordException e) {
            return null;
        }
        boolean keyed = key == null || new String(key, StandardCharsets.UTF_8).equals(doc.corpus());
        boolean small = doc.text() == null || doc.text().length() <= MAX_TEXT_CHARS;
        return keyed && small && doc.corpus().equals("dickens") ? doc : null;
    }

    private static boolean contains(Headers headers, Header wanted) {
        for (Header h : headers) {
            if (h.key().equals(wanted.key()) && Arrays.equals(h.value(), wanted.value())) {
                return true;
            }
        }
        return false;
    }

    @Provide
    Arbitrary<byte[]> recordKeys() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("dickens".getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, Arbitraries.just((byte[]) null)),
                Tuple.of(
                        1,
                        Arbitraries.of("", "austen", "Dickens", "dickens\u0000")
                                .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, randomBytes()));
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return JsonTrees.randomValues();
    }

    @Provide
    Arbitrary<JsonNode> jsonTrees() {
        return JsonTrees.any();
    }

    /**
     * Zero to three headers: the project's own names (reply-to, error.*, source.*) with text, garbage or null
     * values, or arbitrary names.
     */
    @Provide
    Arbitrary<List<Header>> recordHeaders() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of(
                        HeaderNames.REPLY_TO,
                        HeaderNames.CORRELATION_ID,
                        HeaderNames.ERROR_CODE,
                        HeaderNames.ERROR_MESSAGE,
                        HeaderNames.SOURCE_OFFSET,
                        "traceparent",
                        ""),
                Arbitraries.strings().ofMaxLength(10));
        Arbitrary<byte[]> values = Arbitraries.oneOf(
                Arbitraries.just((byte[]) null),
                Arbitraries.of("INTERNAL", "-1", "", "dickens").map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20));
        return Combinators.combine(names, values)
                .<Header>as(RecordHeader::new)
                .list()
                .ofMaxSize(3);
    }

    /** A valid document with zero to three fields removed, retyped, emptied, enlarged or nulled. */
    @Provide
    Arbitrary<JsonNode> mutatedDocumentJson() {
        return Combinators.combine(
                        validDocumentJson(),
                        JsonTrees.mutations(DOCUMENT_FIELDS).list().ofMaxSize(3))
                .as((doc, mutations) -> {
                    ObjectNode copy = doc.deepCopy();
                    mutations.forEach(m -> m.applyTo(copy));
                    return copy;
                });
    }

    /**
     * Valid documents over a few ids and texts, so that re-sends, changes and deletes of the same document recur;
     * mostly of the registered corpus, some of one that is not.
     */
    private static Arbitrary<ObjectNode> validDocumentJson() {
        Arbitrary<String> corpus = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.just("dickens")), Tuple.of(1, Arbitraries.just("austen")));
        Arbitrary<String> id = Arbitraries.of("carol", "chimes", "ü ☃", "x".repeat(256));
        Arbitrary<ObjectNode> upserts = Combinators.combine(
                        corpus,
                        id,
                        Arbitraries.of(
                                "Marley was dead.",
                                "Marley was dead, to begin with.",
                                "ü ☃ 😀",
                                "x".repeat(MAX_TEXT_CHARS + 1)),
                        Arbitraries.of("A Christmas Carol", "").injectNull(0.5))
                .as((c, i, text, title) -> {
                    ObjectNode doc = header(c, i).put("op", "upsert").put("text", text);
                    if (title != null) {
                        doc.put("title", title);
                    }
                    return doc;
                });
        Arbitrary<ObjectNode> deletes =
                Combinators.combine(corpus, id).as((c, i) -> header(c, i).put("op", "delete"));
        return Arbitraries.frequencyOf(Tuple.of(3, upserts), Tuple.of(1, deletes));
    }

    private static ObjectNode header(String corpus, String id) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("schemaVersion", 1)
                .put("corpus", corpus)
                .put("id", id);
    }
}
