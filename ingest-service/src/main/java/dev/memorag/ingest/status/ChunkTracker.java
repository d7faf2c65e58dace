package dev.memorag.ingest.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.memorag.schemas.CorpusKeys;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import java.io.IOException;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Marks a document version chunked when its last chunk (or its delete marker) is on the chunks topic. Reads only
 * the header fields of a chunk: the vector is of no interest here.
 */
public final class ChunkTracker implements Processor<String, byte[], Void, Void> {
    private final Clock clock;
    private KeyValueStore<String, DocumentStatus> statuses;

    public ChunkTracker(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        statuses = context.getStateStore(StatusStores.DOCUMENTS);
    }

    /** The fields of a chunk this tracker needs; the parser skips text and vector without building them. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Header(String corpus, String doc, long version, int index, int count, String op) {}

    /** Throws for a record that is no chunk, so that the dead-letter handler files it. */
    private static Header header(byte[] value) {
        Header chunk;
        try {
            chunk = Json.MAPPER.readValue(value, Header.class);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "not a chunk: " + e.getMessage());
        }
        if (chunk == null
                || chunk.corpus() == null
                || chunk.doc() == null
                || chunk.op() == null
                || chunk.version() < 1) {
            throw new InvalidRecordException(
                    ErrorCode.SCHEMA_VIOLATION, "a chunk needs corpus, doc, op and a version of at least 1");
        }
        return chunk;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Header chunk = header(record.value());
        CorpusKeys.require(record.key(), chunk.corpus());
        boolean last = "delete".equals(chunk.op()) || chunk.index() == chunk.count() - 1;
        if (!last) {
            return;
        }
        String key = StatusStores.documentKey(chunk.corpus(), chunk.doc());
        DocumentStatus current = statuses.get(key);
        if (current != null) {
            DocumentStatus next =
                    current.advance(chunk.version(), DocumentStatus.Stage.CHUNKED, chunk.count(), clock.millis());
            if (next != current) {
                statuses.put(key, next);
            }
        }
    }
}
