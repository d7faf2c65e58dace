package dev.memorag.ingest.status;

import com.fasterxml.jackson.databind.JsonNode;
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

    @Override
    public void process(Record<String, byte[]> record) {
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(record.value());
        } catch (IOException e) {
            return; // the chunks topic is written by our own job; a foreign record has no status to move
        }
        int count = chunk.path("count").asInt();
        boolean last = "delete".equals(chunk.path("op").asText()) || chunk.path("index").asInt() == count - 1;
        if (!last) {
            return;
        }
        String key = StatusStores.documentKey(chunk.path("corpus").asText(), chunk.path("doc").asText());
        DocumentStatus current = statuses.get(key);
        if (current != null) {
            DocumentStatus next = current.advance(chunk.path("version").asLong(), DocumentStatus.Stage.CHUNKED, count,
                    clock.millis());
            if (next != current) {
                statuses.put(key, next);
            }
        }
    }
}
