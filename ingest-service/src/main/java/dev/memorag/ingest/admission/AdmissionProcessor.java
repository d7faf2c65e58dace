package dev.memorag.ingest.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.ingest.status.DocumentStatus;
import dev.memorag.ingest.status.StatusStores;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.CorpusKeys;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Admits one raw document record: validates it, checks its corpus is registered, drops unchanged re-sends, assigns
 * the next version and forwards it to the admitted stream — or forwards the original bytes with the reason to the
 * dead-letter sink. Either way the document's status records the outcome.
 */
final class AdmissionProcessor implements Processor<byte[], byte[], Object, Object> {
    /** The stage name on its dead letters. */
    static final String STAGE = "ingest.admission";

    private static final Pattern CORPUS_ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");

    private final RecordValidator validator;
    private final AdmissionConfig config;
    private final Clock clock;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, DocumentVersion> versions;
    private KeyValueStore<String, DocumentStatus> statuses;
    private KeyValueStore<String, Corpus> corpora;

    AdmissionProcessor(RecordValidator validator, AdmissionConfig config, Clock clock) {
        this.validator = validator;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.versions = context.getStateStore(AdmissionTopology.VERSIONS_STORE);
        this.statuses = context.getStateStore(StatusStores.DOCUMENTS);
        this.corpora = context.getStateStore(StatusStores.CORPORA);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Document doc;
        try {
            doc = validate(record);
        } catch (InvalidRecordException e) {
            reject(record, e.code(), e.getMessage());
            return;
        }
        String storeKey = StatusStores.documentKey(doc.corpus(), doc.id());
        DocumentVersion current = versions.get(storeKey);
        String sha = doc.op() == Op.UPSERT ? sha256(doc) : null;
        boolean unchanged = current == null
                ? doc.op() == Op.DELETE
                : doc.op() == Op.DELETE
                        ? current.deleted()
                        : !current.deleted() && current.sha256().equals(sha);
        if (unchanged) {
            return; // a re-send of what is already admitted: idempotent by design
        }
        long version = current == null ? 1 : current.version() + 1;
        long now = clock.millis();
        versions.put(storeKey, new DocumentVersion(version, sha == null ? "" : sha, doc.op() == Op.DELETE));
        statuses.put(
                storeKey,
                DocumentStatus.admitted(
                        doc.corpus(),
                        doc.id(),
                        version,
                        doc.op(),
                        doc.text() == null ? 0 : doc.text().length(),
                        now));
        AdmittedDocument admitted = AdmittedDocument.of(doc, version, sha, now);
        context.forward(new Record<>(doc.corpus(), admitted, record.timestamp()), AdmissionTopology.ADMITTED_SINK);
    }

    private Document validate(Record<byte[], byte[]> record) {
        Document doc = validator.parse(RecordType.DOCUMENT, record.value());
        if (record.key() != null) { // an unkeyed document is keyed by its corpus from here on
            CorpusKeys.require(record.key(), doc.corpus());
        }
        if (corpora.get(doc.corpus()) == null) {
            throw new InvalidRecordException(
                    ErrorCode.UNKNOWN_CORPUS,
                    "corpus '" + doc.corpus()
                            + "' is not registered: create it first (POST /v1/corpora or `memorag corpus create`)");
        }
        if (doc.text() != null && doc.text().length() > config.maxTextChars()) {
            throw new InvalidRecordException(
                    ErrorCode.TOO_LARGE,
                    "text has " + doc.text().length() + " characters, over the limit of " + config.maxTextChars()
                            + " (MEMORAG_MAX_TEXT_CHARS)");
        }
        return doc;
    }

    private void reject(Record<byte[], byte[]> record, ErrorCode code, String message) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        new DeadLetter(STAGE, code, message, source.topic(), source.partition(), source.offset()).writeTo(headers);
        context.forward(
                new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers),
                AdmissionTopology.DEAD_LETTER_SINK);
        recordRejection(record.value(), ErrorInfo.of(code, message));
    }

    /** Remembers the rejection where the record still names a plausible corpus and document to file it under. */
    private void recordRejection(byte[] value, ErrorInfo reason) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(value);
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (node == null || !node.path("corpus").isTextual() || !node.path("id").isTextual()) {
            return;
        }
        String corpus = node.get("corpus").asText();
        String doc = node.get("id").asText();
        if (!CORPUS_ID.matcher(corpus).matches() || doc.isEmpty() || doc.length() > 256) {
            return;
        }
        String key = StatusStores.documentKey(corpus, doc);
        DocumentStatus current = statuses.get(key);
        long now = clock.millis();
        statuses.put(
                key,
                current == null
                        ? DocumentStatus.rejected(corpus, doc, reason, now)
                        : current.withRejection(reason, now));
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
