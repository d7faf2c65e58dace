package dev.memorag.worker.store;

import dev.memorag.schemas.Chunk;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Chunk records consumed from Kafka, applied to the store as one unit together with the offsets that follow them:
 * after a crash the store holds either all of it or none of it.
 */
public record AppliedBatch(List<Chunk> chunks, Map<TopicPartition, Long> nextOffsets) {}
