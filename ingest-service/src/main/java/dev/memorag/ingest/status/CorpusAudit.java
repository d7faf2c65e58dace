package dev.memorag.ingest.status;

import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Refuses a corpus registration that the registry's readers skip: not a valid {@link Corpus}, or filed under a key
 * other than its id (compaction would keep the wrong one). Throwing hands the record to the dead-letter handler. A
 * registration it keeps claims its id in {@link CorpusClaims}; a tombstone frees it.
 */
public final class CorpusAudit implements Processor<String, byte[], Void, Void> {
    private final RecordValidator validator;
    private KeyValueStore<String, String> claims;

    public CorpusAudit(RecordValidator validator) {
        this.validator = validator;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        claims = context.getStateStore(CorpusClaims.STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            claims.delete(record.key()); // a tombstone unregisters its key
            return;
        }
        Corpus corpus = validator.parse(RecordType.CORPUS, record.value());
        if (!corpus.id().equals(record.key())) {
            throw keyMismatch(record.key(), corpus);
        }
        claims.put(corpus.id(), corpus.tokenSha256());
    }

    /** A registration whose key is not its id. */
    public static InvalidRecordException keyMismatch(String key, Corpus corpus) {
        return new InvalidRecordException(
                ErrorCode.KEY_MISMATCH,
                "corpus '" + corpus.id() + "' is registered under key '" + key + "': the key must be the corpus id");
    }
}
