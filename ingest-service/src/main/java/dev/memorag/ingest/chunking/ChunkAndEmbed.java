package dev.memorag.ingest.chunking;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Op;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns one admitted document version into its chunks, embedded in one batch; a delete becomes one delete chunk.
 * Stateless: its output is a pure function of its input, so replay after a failure reproduces the same chunks and
 * the exactly-once sink makes them visible once. Its input is what {@link AdmittedDocumentSchema} let through: valid,
 * keyed by its corpus, and an upsert has text.
 */
public final class ChunkAndEmbed extends RichFlatMapFunction<AdmittedDocument, Chunk> {
    private final SentenceChunker chunker;
    private transient Embedder embedder;

    public ChunkAndEmbed(int maxTokens) {
        this.chunker = new SentenceChunker(maxTokens);
    }

    @Override
    public void open(OpenContext context) {
        embedder = Embedder.shared();
    }

    @Override
    public void flatMap(AdmittedDocument doc, Collector<Chunk> out) {
        if (doc.op() == Op.DELETE) {
            out.collect(Chunk.delete(doc.corpus(), doc.id(), doc.version()));
            return;
        }
        List<Passage> passages = chunker.split(doc.text(), embedder::countTokens);
        float[][] vectors = embedder.embed(passages.stream().map(Passage::text).toList());
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            out.collect(Chunk.upsert(
                    doc.corpus(),
                    doc.id(),
                    doc.version(),
                    i,
                    passages.size(),
                    p.text(),
                    p.tokenCount(),
                    vectors[i],
                    p.start(),
                    p.end()));
        }
    }
}
