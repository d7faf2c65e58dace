package dev.memorag.worker.retrieval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses rankings by reciprocal rank: a passage scores the sum of 1 / (k + rank) over the rankings it is in. It needs
 * no calibration between cosine and BM25 scores, whose scales differ per corpus and per clue; k = 60 is the value of
 * Cormack et al. (2009), kept because it held on the constructed test, not tuned.
 */
final class ReciprocalRankFusion {
    static final int K = 60;

    private ReciprocalRankFusion() {}

    /** The {@code n} best passages of the fused rankings (each best first), best first. */
    static List<Hit> fuse(List<List<Hit>> rankings, int n) {
        Map<Long, Float> scores = new HashMap<>();
        for (List<Hit> ranking : rankings) {
            for (int rank = 0; rank < ranking.size(); rank++) {
                scores.merge(ranking.get(rank).seq(), 1f / (K + rank + 1), Float::sum);
            }
        }
        TopHits top = new TopHits(n);
        scores.forEach(top::offer);
        return top.ranked();
    }
}
