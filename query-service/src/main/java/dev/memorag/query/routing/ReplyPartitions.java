package dev.memorag.query.routing;

import java.util.Collection;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code answer-events} partitions this instance reads (its share of the answer feed's consumer group), handed
 * out in turn to the questions it routes so that their events spread over them.
 */
final class ReplyPartitions {
    private final ConcurrentSkipListSet<Integer> owned = new ConcurrentSkipListSet<>();
    private final AtomicInteger turn = new AtomicInteger();

    void add(Collection<Integer> partitions) {
        owned.addAll(partitions);
    }

    void remove(Collection<Integer> partitions) {
        owned.removeAll(partitions);
    }

    Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    boolean isEmpty() {
        return owned.isEmpty();
    }

    OptionalInt next() {
        Integer[] now = owned.toArray(Integer[]::new);
        return now.length == 0
                ? OptionalInt.empty()
                : OptionalInt.of(now[Math.floorMod(turn.getAndIncrement(), now.length)]);
    }
}
