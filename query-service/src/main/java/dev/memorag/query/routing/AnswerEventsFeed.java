package dev.memorag.query.routing;

import dev.memorag.query.KafkaSettings;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.health.Health;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.UUID;

/**
 * This instance's view of {@code answer-events}: a consumer group of its own, reading from the end, so every
 * instance sees the events of the questions it is waiting for. Ready once its partitions are assigned. An event that
 * is not valid is skipped and counted ({@code memorag_skipped_records_total}); reply delivery, the one shared
 * group on this topic, dead-letters it once.
 */
public final class AnswerEventsFeed {
    private final KafkaConsumer<String, byte[]> consumer;
    private final RecordValidator validator = new RecordValidator();

    public AnswerEventsFeed(Vertx vertx, String bootstrapServers, TopicCatalog topics) {
        this.consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(bootstrapServers,
                topics.prefix() + "edge-" + UUID.randomUUID(), "latest"));
    }

    public Future<Void> start(String topic, RecallRouter router, Health.Part health, MeterRegistry metrics) {
        Promise<Void> assigned = Promise.promise();
        Counter skipped = Counter.builder("memorag.skipped.records").tag("stage", "query.answer-feed")
                .description("records a consumer could not use and left to another stage to dead-letter")
                .register(metrics);
        consumer.partitionsAssignedHandler(partitions -> {
            health.up();
            assigned.tryComplete();
        });
        consumer.exceptionHandler(e -> health.degraded("answer feed: " + e.getMessage()));
        consumer.handler(record -> {
            AnswerEvent event;
            try {
                event = validator.parse(RecordType.ANSWER_EVENT, record.value());
            } catch (InvalidRecordException e) {
                skipped.increment();
                return;
            }
            router.dispatch(event);
        });
        return consumer.subscribe(topic).compose(v -> assigned.future());
    }

    public Future<Void> close() {
        return consumer.close();
    }
}
