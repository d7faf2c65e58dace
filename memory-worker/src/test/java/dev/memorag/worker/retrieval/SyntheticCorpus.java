package dev.memorag.worker.retrieval;

import dev.memorag.schemas.Chunk;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.CorpusStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;

/**
 * Passages for retrieval at scale: unit vectors around random cluster centres (as embeddings of related passages
 * bunch together), and texts of words drawn with a Zipf-like skew from a synthetic vocabulary.
 */
final class SyntheticCorpus {
    private static final int VOCABULARY = 20_000;
    private static final int WORDS_PER_PASSAGE = 200;
    /** Spread around a centre: a passage's cosine to its centre is about 1 / sqrt(1 + NOISE²). */
    private static final double NOISE = 0.8;

    private final Random random;
    private final int dims;
    private final float[][] centres;

    SyntheticCorpus(Random random, int dims, int clusters) {
        this.random = random;
        this.dims = dims;
        this.centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = normalize(gaussian(1));
        }
    }

    /** Stores {@code count} passages of one corpus, a thousand per batch. */
    void store(CorpusStore store, String corpus, int count) {
        TopicPartition partition = new TopicPartition("memorag.chunks", 0);
        long offset = store.nextOffset(partition).orElse(0);
        for (int from = 0; from < count; from += 1000) {
            List<Chunk> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                batch.add(Chunk.upsert(corpus, "p" + i, 1, 0, 1, text(WORDS_PER_PASSAGE), WORDS_PER_PASSAGE, vector()));
            }
            offset += batch.size();
            store.apply(new AppliedBatch(batch, Map.of(partition, offset)));
        }
    }

    /** Query vectors drawn like the passages. */
    List<float[]> queries(int count) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(vector());
        }
        return out;
    }

    /** A clue's text: a few words drawn like the passages'. */
    String clue(int words) {
        return text(words);
    }

    private float[] vector() {
        float[] centre = centres[random.nextInt(centres.length)];
        float[] v = gaussian(NOISE / Math.sqrt(dims));
        for (int d = 0; d < dims; d++) {
            v[d] += centre[d];
        }
        return normalize(v);
    }

    private String text(int words) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            // rank ~ exp(uniform): a few words are everywhere, most are rare
            int rank = (int) Math.min(VOCABULARY - 1, Math.exp(random.nextDouble() * Math.log(VOCABULARY)));
            text.append(w == 0 ? "" : " ").append(word(rank));
        }
        return text.toString();
    }

    /** A pronounceable, stem-stable token for a vocabulary rank. */
    private static String word(int rank) {
        String syllables = "ba be bi bo bu ka ke ki ko ku ma me mi mo mu ta te ti to tu";
        String[] s = syllables.split(" ");
        StringBuilder w = new StringBuilder("x");
        for (int r = rank + 1; r > 0; r /= s.length) {
            w.append(s[r % s.length]);
        }
        return w.toString();
    }

    private float[] gaussian(double scale) {
        float[] v = new float[dims];
        for (int d = 0; d < dims; d++) {
            v[d] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < v.length; d++) {
            v[d] *= inv;
        }
        return v;
    }
}
