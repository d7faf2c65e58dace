package dev.memorag.query.routing;

import dev.memorag.query.KafkaQuestions;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * Where a reply-to header may send answers. A reply-to is a request to write to a topic, so it is confined: the
 * catalog's answers topic, or an existing topic matching {@code MEMORAG_REPLY_TOPICS} that is neither in the catalog,
 * under its prefix, nor one of Kafka's own ({@code __…}). The broker never auto-creates topics, so a name that does
 * not exist is refused here rather than left to block a send.
 */
public final class ReplyTopics {
    /** How long a listing of the cluster's topics is trusted before a name it lacks is looked up again. */
    private static final long LISTING_TTL_NANOS = 5_000_000_000L;

    private final TopicCatalog topics;
    private final KafkaQuestions policy;
    /** The cluster's topic names, asked again until the broker answers. */
    private final Supplier<Future<Set<String>>> listTopics;

    private volatile Set<String> existing = Set.of();
    private volatile long listedAt;

    ReplyTopics(TopicCatalog topics, KafkaQuestions policy, KafkaAdminClient admin, Retrying retrying) {
        this(topics, policy, () -> retrying.untilDone("listing the cluster's topics", admin::listTopics));
    }

    ReplyTopics(TopicCatalog topics, KafkaQuestions policy, Supplier<Future<Set<String>>> listTopics) {
        this.topics = topics;
        this.policy = policy;
        this.listTopics = listTopics;
    }

    /**
     * The topic to answer on: the default answers topic when {@code replyTo} is absent. Fails only with
     * {@link InvalidRecordException} ({@code REPLY_TO_REFUSED}): a broker that cannot list its topics is asked again.
     */
    public Future<String> resolve(String replyTo) {
        if (replyTo == null || replyTo.isBlank() || replyTo.equals(topics.answers())) {
            return Future.succeededFuture(topics.answers());
        }
        try {
            checkName(replyTo);
        } catch (InvalidRecordException e) {
            return Future.failedFuture(e);
        }
        if (existing.contains(replyTo)) {
            return Future.succeededFuture(replyTo);
        }
        return listing()
                .compose(names -> names.contains(replyTo)
                        ? Future.succeededFuture(replyTo)
                        : Future.failedFuture(refused(
                                replyTo,
                                "no such topic (topics are created by an operator, never by " + "a reply-to)")));
    }

    /** The checks that need no broker: a usable name, outside the catalog and internal topics, within the pattern. */
    void checkName(String name) {
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            throw refused(name, "not a usable topic name: " + e.getMessage());
        }
        if (name.startsWith(topics.prefix())
                || name.startsWith("__")
                || topics.all().stream().anyMatch(t -> t.name().equals(name))) {
            throw refused(name, "an internal topic of this service or of Kafka");
        }
        if (!policy.replyTopics().matcher(name).matches()) {
            throw refused(
                    name,
                    "outside MEMORAG_REPLY_TOPICS (" + policy.replyTopics().pattern() + ")");
        }
    }

    private Future<Set<String>> listing() {
        if (System.nanoTime() - listedAt < LISTING_TTL_NANOS) {
            return Future.succeededFuture(existing);
        }
        return listTopics.get().onSuccess(names -> {
            existing = Set.copyOf(names);
            listedAt = System.nanoTime();
        });
    }

    private static InvalidRecordException refused(String name, String why) {
        return new InvalidRecordException(ErrorCode.REPLY_TO_REFUSED, "reply-to '" + name + "' is refused: " + why);
    }
}
