package dev.memorag.worker.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** The {@code n} best hits offered to it; a min-heap, so a hit worse than all kept is refused without allocating. */
final class TopHits {
    /** Best first; ties by corpus order, so equal scores rank the same way every time. */
    static final Comparator<Hit> BEST_FIRST =
            Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingLong(Hit::seq);

    private final int n;
    private final PriorityQueue<Hit> heap;

    TopHits(int n) {
        this.n = n;
        this.heap = new PriorityQueue<>(Math.max(1, n), BEST_FIRST.reversed());
    }

    void offer(long seq, float score) {
        if (heap.size() < n) {
            heap.add(new Hit(seq, score));
        } else if (n > 0 && score > heap.peek().score()) {
            heap.poll();
            heap.add(new Hit(seq, score));
        }
    }

    List<Hit> ranked() {
        List<Hit> out = new ArrayList<>(heap);
        out.sort(BEST_FIRST);
        return out;
    }
}
