package dev.memorag.query.routing;

import dev.memorag.query.KafkaSettings;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.UUID;

/**
 * This instance's view of {@code answer-events}: a consumer group of its own, reading from the end, so every
 * instance sees the events of the questions it is waiting for. Ready once its partitions are assigned.
 */
public final class AnswerEventsFeed {
    private final KafkaConsumer<String, byte[]> consumer;

    public AnswerEventsFeed(Vertx vertx, String bootstrapServers, TopicCatalog topics) {
        this.consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(bootstrapServers,
                topics.prefix() + "edge-" + UUID.randomUUID(), "latest"));
    }

    public Future<Void> start(String topic, RecallRouter router) {
        Promise<Void> assigned = Promise.promise();
        consumer.partitionsAssignedHandler(partitions -> assigned.tryComplete());
        consumer.handler(record -> router.dispatch(Json.read(record.value(), AnswerEvent.class)));
        return consumer.subscribe(topic).compose(v -> assigned.future());
    }

    public Future<Void> close() {
        return consumer.close();
    }
}
