package dev.memorag.ingest.status;

import dev.memorag.schemas.CorpusKeys;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Progress;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Marks a document version memorized (or deleted) when a worker reports it, and keeps each corpus's totals. Throws
 * for a report it cannot use, so that the dead-letter handler files it.
 */
public final class ProgressTracker implements Processor<String, Progress, Void, Void> {
    private final Clock clock;
    private KeyValueStore<String, DocumentStatus> statuses;
    private KeyValueStore<String, Progress> corpusProgress;

    public ProgressTracker(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        statuses = context.getStateStore(StatusStores.DOCUMENTS);
        corpusProgress = context.getStateStore(StatusStores.CORPUS_PROGRESS);
    }

    @Override
    public void process(Record<String, Progress> record) {
        Progress progress = record.value();
        if (progress == null) {
            throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "a progress report without a value");
        }
        CorpusKeys.require(record.key(), progress.corpus());
        corpusProgress.put(progress.corpus(), progress);
        String key = StatusStores.documentKey(progress.corpus(), progress.doc());
        DocumentStatus current = statuses.get(key);
        if (current != null) {
            DocumentStatus.Stage stage = progress.stage() == Progress.Stage.DELETED
                    ? DocumentStatus.Stage.DELETED
                    : DocumentStatus.Stage.MEMORIZED;
            DocumentStatus next = current.advance(progress.version(), stage, progress.chunks(), clock.millis());
            if (next != current) {
                statuses.put(key, next);
            }
        }
    }
}
