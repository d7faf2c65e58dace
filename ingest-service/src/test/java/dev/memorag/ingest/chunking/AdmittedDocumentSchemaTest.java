package dev.memorag.ingest.chunking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Every class of bad input becomes a refusal with its reason and the original record; nothing throws. */
class AdmittedDocumentSchemaTest {
    private static final String TOPIC = "memorag.documents";
    private final AdmittedDocumentSchema schema = new AdmittedDocumentSchema();

    AdmittedDocumentSchemaTest() {
        schema.open(null);
    }

    @Test
    void usableDocumentsPass() {
        AdmittedDocument upsert = admitted(Document.upsert("austen", "emma", "Emma Woodhouse, handsome."));
        assertEquals(upsert, read(key("austen"), Json.write(upsert)).document());
        AdmittedDocument delete = AdmittedDocument.of(Document.delete("austen", "emma"), 2, null, 1);
        assertEquals(delete, read(key("austen"), Json.write(delete)).document());
    }

    @Test
    void bytesThatAreNotJsonAreMalformed() {
        refused(key("austen"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x42}, ErrorCode.MALFORMED_JSON);
        refused(key("austen"), "{\"corpus\": ".getBytes(StandardCharsets.UTF_8), ErrorCode.MALFORMED_JSON);
    }

    @Test
    void emptyAndNullValuesAreMalformed() {
        refused(key("austen"), new byte[0], ErrorCode.MALFORMED_JSON);
        refused(key("austen"), null, ErrorCode.MALFORMED_JSON);
    }

    @Test
    void objectsMissingFieldsViolateTheSchema() {
        refused(
                key("austen"),
                json("{\"schemaVersion\":1,\"corpus\":\"austen\",\"op\":\"upsert\",\"text\":\"x\"}"),
                ErrorCode.SCHEMA_VIOLATION);
    }

    @Test
    void validJsonOfAnotherTypeViolatesTheSchema() {
        refused(key("austen"), Json.write(Document.upsert("austen", "emma", "Text.")), ErrorCode.SCHEMA_VIOLATION);
        refused(key("austen"), json("[1, 2, 3]"), ErrorCode.SCHEMA_VIOLATION);
        refused(key("austen"), json("\"a string\""), ErrorCode.SCHEMA_VIOLATION);
    }

    @Test
    void absurdVersionsViolateTheSchema() {
        String doc =
                new String(Json.write(admitted(Document.upsert("austen", "emma", "Text."))), StandardCharsets.UTF_8);
        for (String version : List.of("0", "-3", "1.5", "123456789012345678901234567890")) {
            refused(
                    key("austen"),
                    json(doc.replace("\"version\":1", "\"version\":" + version)),
                    ErrorCode.SCHEMA_VIOLATION);
        }
    }

    @Test
    void aKeyThatIsNotTheCorpusIsAMismatch() {
        byte[] value = Json.write(admitted(Document.upsert("austen", "emma", "Text.")));
        refused(key("dickens"), value, ErrorCode.KEY_MISMATCH);
        refused(null, value, ErrorCode.KEY_MISMATCH);
    }

    @Test
    void anUpsertWithoutTextIsInconsistent() {
        AdmittedDocument noText =
                new AdmittedDocument(1, "austen", "emma", Op.UPSERT, null, null, null, 1, "0".repeat(64), 1);
        refused(key("austen"), Json.write(noText), ErrorCode.INCONSISTENT);
        refused(
                key("austen"),
                Json.write(admitted(new Document(1, "austen", "emma", Op.UPSERT, " \n\t ", null, null))),
                ErrorCode.INCONSISTENT);
    }

    @Test
    void theDeadLetterCarriesTheOriginalRecordAndItsCoordinates() {
        byte[] garbage = {1, 2, 3};
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", key("t-1"));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                TOPIC,
                3,
                41,
                0L,
                TimestampType.CREATE_TIME,
                1,
                garbage.length,
                key("austen"),
                garbage,
                headers,
                Optional.empty());
        List<ChunkerInput> out = new ArrayList<>();
        schema.deserialize(record, new ListCollector<>(out));

        ProducerRecord<byte[], byte[]> dead = out.get(0).refusal().toRecord("memorag.dlq");
        assertEquals("memorag.dlq", dead.topic());
        assertArrayEquals(key("austen"), dead.key());
        assertArrayEquals(garbage, dead.value());
        assertEquals("t-1", DeadLetter.get(dead.headers(), "trace"));
        DeadLetter reason = DeadLetter.readFrom(dead.headers());
        assertEquals(
                new DeadLetter(AdmittedDocumentSchema.STAGE, ErrorCode.MALFORMED_JSON, reason.message(), TOPIC, 3, 41),
                reason);
        assertNotNull(DeadLetter.get(dead.headers(), HeaderNames.ERROR_MESSAGE));
    }

    @Test
    void flinkSerializesTheResultAsAPojoNotWithKryo() {
        PojoTypeInfo<ChunkerInput> type = assertInstanceOf(PojoTypeInfo.class, schema.getProducedType());
        assertInstanceOf(PojoTypeInfo.class, type.getTypeAt("refusal"));
    }

    private void refused(byte[] key, byte[] value, ErrorCode code) {
        ChunkerInput input = read(key, value);
        assertNull(input.document());
        DeadLetter reason = input.refusal().reason();
        assertEquals(code, reason.code(), reason.message());
        assertFalse(reason.message().isBlank());
        assertArrayEquals(value, input.refusal().value());
        assertArrayEquals(key, input.refusal().key());
    }

    private ChunkerInput read(byte[] key, byte[] value) {
        List<ChunkerInput> out = new ArrayList<>();
        schema.deserialize(new ConsumerRecord<>(TOPIC, 0, 7, key, value), new ListCollector<>(out));
        assertEquals(1, out.size());
        return out.get(0);
    }

    private static AdmittedDocument admitted(Document doc) {
        return AdmittedDocument.of(doc, 1, "0".repeat(64), 1);
    }

    private static byte[] key(String corpus) {
        return corpus.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
