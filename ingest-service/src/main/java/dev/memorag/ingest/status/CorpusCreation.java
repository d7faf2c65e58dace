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
 * Decides corpus creations: the first request for an id that no registration holds is accepted (claimed and written
 * to the corpora topic in the same exactly-once transaction), every later one is refused with
 * {@link ErrorCode#CORPUS_EXISTS} and dead-lettered. One task owns the requests topic's partition, so the decision
 * holds across any number of gateways; a gateway learns it by reading back whose token hash the registry holds.
 */
public final class CorpusCreation implements Processor<String, byte[], String, byte[]> {
    private final RecordValidator validator;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, String> claims;

    public CorpusCreation(RecordValidator validator) {
        this.validator = validator;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        claims = context.getStateStore(CorpusClaims.STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            throw new InvalidRecordException(
                    ErrorCode.SCHEMA_VIOLATION,
                    "a creation request needs a corpus registration; a corpus is not removed through requests");
        }
        Corpus corpus = validator.parse(RecordType.CORPUS, record.value());
        if (!corpus.id().equals(record.key())) {
            throw CorpusAudit.keyMismatch(record.key(), corpus);
        }
        if (claims.get(corpus.id()) != null) {
            throw new InvalidRecordException(
                    ErrorCode.CORPUS_EXISTS,
                    "corpus '" + corpus.id() + "' exists already (or another creation of it came first)");
        }
        claims.put(corpus.id(), corpus.tokenSha256());
        context.forward(record);
    }
}
