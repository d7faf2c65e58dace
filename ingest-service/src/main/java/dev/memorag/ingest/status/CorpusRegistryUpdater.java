package dev.memorag.ingest.status;

import dev.memorag.schemas.Corpus;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global corpora store equal to the compacted corpora topic; a tombstone unregisters a corpus. A record that
 * does not validate never reaches it (the dead-letter handler skips it); one filed under another key is skipped here.
 * Both are dead-lettered by {@link CorpusAudit}.
 */
public final class CorpusRegistryUpdater implements Processor<String, Corpus, Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(CorpusRegistryUpdater.class);
    private KeyValueStore<String, Corpus> corpora;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        corpora = context.getStateStore(StatusStores.CORPORA);
    }

    @Override
    public void process(Record<String, Corpus> record) {
        if (record.value() == null) {
            corpora.delete(record.key());
        } else if (record.value().id().equals(record.key())) {
            corpora.put(record.key(), record.value());
        } else {
            log.warn(
                    "registry skips {}",
                    CorpusAudit.keyMismatch(record.key(), record.value()).getMessage());
        }
    }
}
