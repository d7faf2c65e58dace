package dev.memorag.query.access;

import dev.memorag.clients.KafkaClients;
import dev.memorag.edge.CorpusDirectory;
import dev.memorag.health.Health;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's copy of the corpus registry: the compacted corpora topic read from the beginning into memory.
 * Ready once its position has passed the end offsets it found at start, so a restarted edge never refuses a known
 * token. A position, not the offset of the last record read: the registry application writes the topic in
 * transactions, and a commit marker takes an offset that no record has.
 * A registration that is not a valid corpus, or is filed under a key other than its id, is skipped and counted
 * ({@code memorag_skipped_records_total}); the ingest service's registry audit dead-letters it once.
 */
public final class CorpusRegistry implements CorpusDirectory {
    private static final long CATCH_UP_CHECK_MS = 50;
    private final Vertx vertx;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Corpus> corpora = new ConcurrentHashMap<>();
    /** Corpus ids by token hash: a presented token costs one SHA-256, however many corpora there are. */
    private final Map<String, String> idsByTokenHash = new ConcurrentHashMap<>();

    private final RecordValidator validator = new RecordValidator();
    private final Map<TopicPartition, Long> catchUpTo = new ConcurrentHashMap<>();
    private final Promise<Void> caughtUp = Promise.promise();

    public CorpusRegistry(Vertx vertx, String bootstrapServers, TopicCatalog topics) {
        this.vertx = vertx;
        this.consumer = KafkaConsumer.create(
                vertx,
                KafkaClients.consumer(
                        bootstrapServers, topics.prefix() + "edge-registry-" + UUID.randomUUID(), "earliest"));
    }

    public Future<Void> start(String topic, Health.Part health, MeterRegistry metrics) {
        Counter skipped = Counter.builder("memorag.skipped.records")
                .tag("stage", "query.registry")
                .description("records a consumer could not use and left to another stage to dead-letter")
                .register(metrics);
        caughtUp.future().onSuccess(v -> health.up());
        consumer.exceptionHandler(e -> health.degraded("corpus registry: " + e.getMessage()));
        consumer.partitionsAssignedHandler(this::measureEnd);
        consumer.handler(record -> {
            if (record.value() == null) {
                forget(corpora.remove(record.key()));
            } else {
                try {
                    Corpus corpus = validator.parse(RecordType.CORPUS, record.value());
                    if (corpus.id().equals(record.key())) {
                        forget(corpora.put(corpus.id(), corpus));
                        idsByTokenHash.put(corpus.tokenSha256(), corpus.id());
                    } else {
                        skipped.increment();
                    }
                } catch (InvalidRecordException e) {
                    skipped.increment();
                }
            }
        });
        return consumer.subscribe(topic).compose(v -> caughtUp.future());
    }

    private void measureEnd(Set<TopicPartition> partitions) {
        Future.all(partitions.stream()
                        .map(p -> consumer.endOffsets(p).map(end -> {
                            if (end > 0) {
                                catchUpTo.put(p, end);
                            }
                            return end;
                        }))
                        .toList())
                .onComplete(done -> awaitCatchUp());
    }

    /** Compares positions with the ends every {@link #CATCH_UP_CHECK_MS} until every partition has reached its end. */
    private void awaitCatchUp() {
        if (caughtUp.future().isComplete()) {
            return;
        }
        Future.all(catchUpTo.entrySet().stream()
                        .map(end -> consumer.position(end.getKey()).map(position -> {
                            if (position >= end.getValue()) {
                                catchUpTo.remove(end.getKey());
                            }
                            return position;
                        }))
                        .toList())
                .onComplete(checked -> {
                    if (catchUpTo.isEmpty()) {
                        caughtUp.tryComplete();
                    } else {
                        vertx.setTimer(CATCH_UP_CHECK_MS, t -> awaitCatchUp());
                    }
                });
    }

    public boolean ready() {
        return caughtUp.future().isComplete();
    }

    @Override
    public Optional<Corpus> corpus(String id) {
        return Optional.ofNullable(corpora.get(id));
    }

    /** Every registered corpus, by id. */
    @Override
    public List<Corpus> corpora() {
        return corpora.values().stream()
                .sorted(Comparator.comparing(Corpus::id))
                .toList();
    }

    /** The corpus a token belongs to, if any: tells "another corpus's token" (403) from "no valid token" (401). */
    @Override
    public Optional<Corpus> corpusOfToken(String token) {
        String id = token == null ? null : idsByTokenHash.get(Corpus.tokenHash(token));
        return id == null ? Optional.empty() : corpus(id).filter(c -> c.acceptsToken(token));
    }

    private void forget(Corpus replaced) {
        if (replaced != null) {
            idsByTokenHash.remove(replaced.tokenSha256(), replaced.id());
        }
    }

    public Future<Void> close() {
        return consumer.close();
    }
}
