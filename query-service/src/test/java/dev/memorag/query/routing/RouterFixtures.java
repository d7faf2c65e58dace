package dev.memorag.query.routing;

import java.util.List;

/** For edge tests that run a {@link RecallRouter} without an answer feed: what the feed's assignment would give it. */
public final class RouterFixtures {
    private RouterFixtures() {}

    /** The router reads these answer-events partitions, as if its answer feed had been assigned them. */
    public static RecallRouter readingPartitions(RecallRouter router, Integer... partitions) {
        router.replyPartitions().add(List.of(partitions));
        return router;
    }
}
