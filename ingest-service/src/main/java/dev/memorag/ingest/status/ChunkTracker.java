package dev.memorag.ingest.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
    record Header(String corpus, String doc, long version, int index, int count, String op) {
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Header chunk;
        try {
            chunk = Json.MAPPER.readValue(record.value(), Header.class);
        } catch (IOException e) {
            return; // the chunks topic is written by our own job; a foreign record has no status to move
        }
        boolean last = "delete".equals(chunk.op()) || chunk.index() == chunk.count() - 1;
        if (!last) {
            return;
        }
        String key = StatusStores.documentKey(chunk.corpus(), chunk.doc());
        DocumentStatus current = statuses.get(key);
        if (current != null) {
            DocumentStatus next = current.advance(chunk.version(), DocumentStatus.Stage.CHUNKED, chunk.count(),
                    clock.millis());
            if (next != current) {
                statuses.put(key, next);
            }
        }
    }
}
