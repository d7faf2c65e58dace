package dev.memorag.ingest.status;

import dev.memorag.schemas.Corpus;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global corpora store equal to the compacted corpora topic; a tombstone unregisters a corpus. */
public final class CorpusRegistryUpdater implements Processor<String, Corpus, Void, Void> {
    private KeyValueStore<String, Corpus> corpora;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        corpora = context.getStateStore(StatusStores.CORPORA);
    }

    @Override
    public void process(Record<String, Corpus> record) {
        if (record.value() == null) {
            corpora.delete(record.key());
        } else {
            corpora.put(record.key(), record.value());
        }
    }
}
