package dev.memorag.ingest.admission;

import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Admits one raw document record: validates it, drops unchanged re-sends, assigns the next version and forwards it
 * to the admitted stream — or forwards the original bytes with the reason to the dead-letter sink.
 */
final class AdmissionProcessor implements Processor<byte[], byte[], Object, Object> {
    private final RecordValidator validator;
    private final AdmissionConfig config;
    private final Clock clock;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, DocumentVersion> versions;

    AdmissionProcessor(RecordValidator validator, AdmissionConfig config, Clock clock) {
        this.validator = validator;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.versions = context.getStateStore(AdmissionTopology.VERSIONS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Document doc;
        try {
            doc = validate(record);
        } catch (InvalidRecordException e) {
            deadLetter(record, e.code(), e.getMessage());
            return;
        }
        String storeKey = doc.corpus() + '\u0000' + doc.id();
        DocumentVersion current = versions.get(storeKey);
        String sha = doc.op() == Op.UPSERT ? sha256(doc) : null;
        boolean unchanged = current == null
                ? doc.op() == Op.DELETE
                : doc.op() == Op.DELETE ? current.deleted() : !current.deleted() && current.sha256().equals(sha);
        if (unchanged) {
            return; // a re-send of what is already admitted: idempotent by design
        }
        long version = current == null ? 1 : current.version() + 1;
        versions.put(storeKey, new DocumentVersion(version, sha == null ? "" : sha, doc.op() == Op.DELETE));
        AdmittedDocument admitted = AdmittedDocument.of(doc, version, sha, clock.millis());
        context.forward(new Record<>(doc.corpus(), admitted, record.timestamp()), AdmissionTopology.ADMITTED_SINK);
    }

    private Document validate(Record<byte[], byte[]> record) {
        Document doc = validator.parse(RecordType.DOCUMENT, record.value());
        if (record.key() != null && !new String(record.key(), StandardCharsets.UTF_8).equals(doc.corpus())) {
            throw new InvalidRecordException(ErrorCode.KEY_MISMATCH, "record key '"
                    + new String(record.key(), StandardCharsets.UTF_8) + "' differs from corpus '" + doc.corpus()
                    + "': documents must be keyed by their corpus id");
        }
        if (doc.text() != null && doc.text().length() > config.maxTextChars()) {
            throw new InvalidRecordException(ErrorCode.TOO_LARGE, "text has " + doc.text().length()
                    + " characters, over the limit of " + config.maxTextChars() + " (memorag.admission.max-text-chars)");
        }
        return doc;
    }

    private void deadLetter(Record<byte[], byte[]> record, ErrorCode code, String message) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        new DeadLetter(code, message, source.topic(), source.partition(), source.offset()).writeTo(headers);
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers),
                AdmissionTopology.DEAD_LETTER_SINK);
    }

    private static String sha256(Document doc) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(doc.text().getBytes(StandardCharsets.UTF_8));
            if (doc.title() != null) {
                digest.update((byte) 0);
                digest.update(doc.title().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
