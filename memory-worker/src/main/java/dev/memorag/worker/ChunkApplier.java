package dev.memorag.worker;

import dev.memorag.health.Health;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's chunk side, on its poll thread: a poll's chunk records parsed or dead-lettered, the chunks and the
 * offsets past them stored in one write (the store, not Kafka, says where to resume), a busy store retried with
 * backoff while the worker reports itself degraded, then progress reported and the memorizer woken.
 */
final class ChunkApplier {
    private final String topic;
    private final CorpusStore store;
    private final WorkerInputs inputs;
    private final DeadLetters deadLetters;
    private final ProgressReporter progress;
    private final Runnable passagesStored;
    private final Health.Part health;
    private final BooleanSupplier running;

    ChunkApplier(
            String topic,
            CorpusStore store,
            WorkerInputs inputs,
            DeadLetters deadLetters,
            ProgressReporter progress,
            Runnable passagesStored,
            Health.Part health,
            BooleanSupplier running) {
        this.topic = topic;
        this.store = store;
        this.inputs = inputs;
        this.deadLetters = deadLetters;
        this.progress = progress;
        this.passagesStored = passagesStored;
        this.health = health;
        this.running = running;
    }

    /** Parses the poll's chunk records, dead-letters what cannot be used, stores the rest with the offsets. */
    void apply(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<Chunk> chunks = new ArrayList<>();
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            if (!partition.topic().equals(topic)) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                try {
                    chunks.add(inputs.chunk(record));
                } catch (InvalidRecordException e) {
                    deadLetters.add(record, MemoryWorker.CHUNKS_STAGE, e);
                }
                offsets.put(partition, record.offset() + 1);
            }
        }
        if (!offsets.isEmpty()) {
            deadLetters.awaitSent(); // before the offsets past them are stored
            applyWithRetry(new AppliedBatch(chunks, offsets));
            progress.applied(chunks);
            passagesStored.run();
        }
    }

    /** A busy or timed-out store is retried with backoff (the worker reports itself degraded meanwhile). */
    private void applyWithRetry(AppliedBatch batch) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                store.apply(batch);
                return;
            } catch (StoreException e) {
                if (!e.isTransient() || !running.getAsBoolean()) {
                    throw e;
                }
                health.degraded("the corpus store is busy: " + e.getMessage() + "; retrying in " + backoff + " ms");
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }
}
