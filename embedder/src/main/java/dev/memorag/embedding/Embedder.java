package dev.memorag.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The dense retriever: BAAI bge-small-en-v1.5 (quantized ONNX, shipped in a Maven jar) with its own WordPiece
 * tokenizer. Vectors are L2-normalized, so inner product is cosine similarity. Thread-safe; load it once per JVM
 * through {@link #shared()} since the model takes a second and ~100 MB to load.
 */
public final class Embedder {
    public static final String MODEL = "bge-small-en-v1.5-q";
    public static final int DIMENSIONS = 384;

    private static volatile Embedder shared;

    private final BgeSmallEnV15QuantizedEmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();
    private final HuggingFaceTokenizer tokenizer;

    private Embedder() {
        try (InputStream json = Embedder.class.getResourceAsStream("/bge-small-en-v1.5-q-tokenizer.json")) {
            if (json == null) {
                throw new IllegalStateException("bge-small tokenizer.json missing from the classpath");
            }
            tokenizer = HuggingFaceTokenizer.newInstance(
                    json, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Embedder shared() {
        Embedder local = shared;
        if (local == null) {
            synchronized (Embedder.class) {
                local = shared;
                if (local == null) {
                    shared = local = new Embedder();
                }
            }
        }
        return local;
    }

    /** Number of retriever tokens in a text, without special tokens: the unit of chunk budgets. */
    public int countTokens(String text) {
        return tokenizer.encode(text, false, false).getIds().length;
    }

    /**
     * Embeds passages or queries in one batch. Queries get no instruction prefix: on the dev set bge's query
     * instruction retrieved fewer answers (docs/evaluation.md).
     */
    public float[][] embed(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        List<Embedding> embeddings =
                model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        float[][] vectors = new float[embeddings.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = normalized(embeddings.get(i).vector());
        }
        return vectors;
    }

    private static float[] normalized(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = (float) (1 / Math.sqrt(Math.max(norm, 1e-12)));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }

    /** Inner product of two vectors of equal length. */
    public static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
