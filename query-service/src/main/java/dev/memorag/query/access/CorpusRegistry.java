package dev.memorag.query.access;

import dev.memorag.query.KafkaSettings;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's copy of the corpus registry: the compacted corpora topic read from the beginning into memory.
 * Ready once it has read up to the end offsets it found at start, so a restarted edge never refuses a known token.
 */
public final class CorpusRegistry {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Corpus> corpora = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> catchUpTo = new ConcurrentHashMap<>();
    private final Promise<Void> caughtUp = Promise.promise();

    public CorpusRegistry(Vertx vertx, String bootstrapServers, TopicCatalog topics) {
        this.consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(bootstrapServers,
                topics.prefix() + "edge-registry-" + UUID.randomUUID(), "earliest"));
    }

    public Future<Void> start(String topic) {
        consumer.partitionsAssignedHandler(this::measureEnd);
        consumer.handler(record -> {
            if (record.value() == null) {
                corpora.remove(record.key());
            } else {
                Corpus corpus = Json.read(record.value(), Corpus.class);
                corpora.put(corpus.id(), corpus);
            }
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            catchUpTo.computeIfPresent(partition, (p, end) -> record.offset() + 1 >= end ? null : end);
            completeIfCaughtUp();
        });
        return consumer.subscribe(topic).compose(v -> caughtUp.future());
    }

    private void measureEnd(Set<TopicPartition> partitions) {
        Future.all(partitions.stream().map(p -> consumer.endOffsets(p).map(end -> {
            if (end > 0) {
                catchUpTo.put(p, end);
            }
            return end;
        })).toList()).onComplete(done -> completeIfCaughtUp());
    }

    private void completeIfCaughtUp() {
        if (catchUpTo.isEmpty()) {
            caughtUp.tryComplete();
        }
    }

    public boolean ready() {
        return caughtUp.future().isComplete();
    }

    public Optional<Corpus> corpus(String id) {
        return Optional.ofNullable(corpora.get(id));
    }

    /** The corpus a token belongs to, if any: tells "another corpus's token" (403) from "no valid token" (401). */
    public Optional<Corpus> corpusOfToken(String token) {
        return corpora.values().stream().filter(c -> c.acceptsToken(token)).findFirst();
    }

    public Future<Void> close() {
        return consumer.close();
    }
}
