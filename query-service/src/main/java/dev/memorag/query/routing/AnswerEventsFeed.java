package dev.memorag.query.routing;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.schemas.AnswerEvent;
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
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * This instance's share of {@code answer-events}: one consumer group over all query-service instances, so each
 * partition is read by one instance, and the questions routed here name one of this instance's partitions
 * ({@link RecallRouter}): every event is read once, by the instance whose asker waits for it, however many instances
 * run. Cooperative rebalancing moves only the partitions it must, so an instance joining or leaving interrupts only
 * the asks waiting on a moved partition. Reads from the end, commits nothing: an asker waits only for events of
 * questions routed after its partition was assigned. Ready while it reads at least one partition (there must be at
 * least as many partitions as instances). An event that is not valid is skipped and counted
 * ({@code memorag_skipped_records_total}); reply delivery, the other group on this topic, dead-letters it once.
 */
public final class AnswerEventsFeed {
    private final KafkaConsumer<String, byte[]> consumer;
    private final RecordValidator validator = new RecordValidator();

    public AnswerEventsFeed(Vertx vertx, String bootstrapServers, TopicCatalog topics) {
        Properties config = KafkaClients.consumer(bootstrapServers, topics.prefix() + "query-answer-feed", "latest");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumer = KafkaConsumer.create(vertx, config);
    }

    public Future<Void> start(String topic, RecallRouter router, Health.Part health, MeterRegistry metrics) {
        Promise<Void> assigned = Promise.promise();
        Counter skipped = Counter.builder("memorag.skipped.records")
                .tag("stage", "query.answer-feed")
                .description("records a consumer could not use and left to another stage to dead-letter")
                .register(metrics);
        ReplyPartitions owned = router.replyPartitions();
        // cooperative rebalancing: each call names only the partitions added or taken away. A partition is handed
        // to askers once its position is resolved: an event written before that would be skipped by "latest"
        consumer.partitionsAssignedHandler(partitions -> Future.join(
                        partitions.stream().map(consumer::position).toList())
                .onComplete(positioned -> {
                    router.answerPartitionsAssigned(numbers(partitions));
                    report(owned, health);
                    assigned.tryComplete();
                }));
        consumer.partitionsRevokedHandler(partitions -> {
            router.answerPartitionsRevoked(numbers(partitions));
            report(owned, health);
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

    private static void report(ReplyPartitions owned, Health.Part health) {
        if (owned.isEmpty()) {
            health.degraded("reads no answer-events partition: asks here cannot hear back (more query-service "
                    + "instances than partitions, or a rebalance)");
        } else {
            health.up();
        }
    }

    private static Set<Integer> numbers(Set<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::getPartition).collect(Collectors.toSet());
    }

    public Future<Void> close() {
        return consumer.close();
    }
}
