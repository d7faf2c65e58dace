package dev.memorag.ingest.chunking;

import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.CorpusKeys;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the documents topic without ever throwing: a schema that throws fails the job, and after the restart the
 * same record fails it again until the restart strategy gives up. Each record becomes a document that
 * {@link ChunkAndEmbed} can use (valid by its schema, keyed by its corpus, an upsert with text to chunk) or a
 * {@link Refusal} naming the reason and the record's coordinates.
 */
public final class AdmittedDocumentSchema implements KafkaRecordDeserializationSchema<ChunkerInput> {
    /** The stage named on this job's dead letters. */
    public static final String STAGE = "ingest.chunker";

    private transient RecordValidator validator;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        validator = new RecordValidator();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ChunkerInput> out) {
        ChunkerInput input;
        try {
            input = ChunkerInput.of(usableDocument(record));
        } catch (RuntimeException e) {
            input = ChunkerInput.of(Refusal.of(record, reason(record, e)));
        }
        // Outside the try: the collector runs the chained operators, whose failures are not this record's bytes.
        out.collect(input);
    }

    private AdmittedDocument usableDocument(ConsumerRecord<byte[], byte[]> record) {
        AdmittedDocument doc = validator.parse(RecordType.ADMITTED_DOCUMENT, record.value());
        CorpusKeys.require(record.key(), doc.corpus());
        // The schema leaves text optional; an upsert without words would give no chunk, and no chunk count to
        // tell the worker that the version is complete.
        if (doc.op() == Op.UPSERT && (doc.text() == null || doc.text().isBlank())) {
            throw new InvalidRecordException(ErrorCode.INCONSISTENT, "an upsert without text to chunk");
        }
        return doc;
    }

    private static DeadLetter reason(ConsumerRecord<byte[], byte[]> record, RuntimeException e) {
        ErrorCode code = e instanceof InvalidRecordException invalid ? invalid.code() : ErrorCode.INTERNAL;
        String message = e instanceof InvalidRecordException
                ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new DeadLetter(STAGE, code, message, record.topic(), record.partition(), record.offset());
    }

    @Override
    public TypeInformation<ChunkerInput> getProducedType() {
        return TypeInformation.of(ChunkerInput.class);
    }
}
