package dev.memorag.query.routing;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commits a consumer's offsets in order although its records finish out of order (each waits for its own sends):
 * a partition's committed offset only ever moves past records that are done, so a restart re-reads every record
 * whose effects Kafka had not acknowledged, and loses none. While {@code maxPending} records are unfinished the
 * consumer is paused. Used on the consumer's context only.
 */
final class OrderedCommits {
    private final KafkaConsumer<?, ?> consumer;
    private final int maxPending;
    /** partition → offset → done, for every record taken and not yet committed past */
    private final Map<TopicPartition, TreeMap<Long, Boolean>> pending = new HashMap<>();

    private int unfinished;
    private boolean paused;

    OrderedCommits(KafkaConsumer<?, ?> consumer, int maxPending) {
        this.consumer = consumer;
        this.maxPending = maxPending;
    }

    /** Records {@code record} as taken; call {@link #done} when its effects are acknowledged. */
    void taken(KafkaConsumerRecord<?, ?> record) {
        pending.computeIfAbsent(partition(record), p -> new TreeMap<>()).put(record.offset(), false);
        if (++unfinished >= maxPending && !paused) {
            paused = true;
            consumer.pause();
        }
    }

    void done(KafkaConsumerRecord<?, ?> record) {
        TopicPartition partition = partition(record);
        TreeMap<Long, Boolean> offsets = pending.get(partition);
        if (offsets == null || offsets.replace(record.offset(), true) == null) {
            return; // revoked meanwhile: the next owner re-reads it
        }
        unfinished--;
        long next = -1;
        while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
            next = offsets.pollFirstEntry().getKey() + 1;
        }
        if (next >= 0) {
            consumer.commit(Map.of(partition, new OffsetAndMetadata(next, null)));
        }
        if (paused && unfinished < maxPending / 2) {
            paused = false;
            consumer.resume();
        }
    }

    /** Forgets revoked partitions: their unfinished records will be read again by their next owner. */
    void revoked(java.util.Set<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            TreeMap<Long, Boolean> offsets = pending.remove(partition);
            if (offsets != null) {
                unfinished -=
                        (int) offsets.values().stream().filter(done -> !done).count();
            }
        }
    }

    private static TopicPartition partition(KafkaConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }
}
