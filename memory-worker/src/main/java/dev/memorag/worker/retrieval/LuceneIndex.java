package dev.memorag.worker.retrieval;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;

/**
 * An in-memory Lucene index of passages keyed by their corpus-stream position ({@code seq}: a point to delete by,
 * a doc value to read back). Changes are visible to searches once {@link #publish} returns.
 */
final class LuceneIndex implements Closeable {
    static final String SEQ = "seq";

    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;

    LuceneIndex(Analyzer analyzer, Codec codec) throws IOException {
        // a build adds a whole corpus before it publishes: a large buffer makes that one segment (one HNSW graph)
        // rather than many that merges would rebuild
        IndexWriterConfig config =
                new IndexWriterConfig(analyzer).setCodec(codec).setRAMBufferSizeMB(512);
        IndexWriter opened = new IndexWriter(directory, config);
        try {
            searchers = new SearcherManager(opened, null);
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(opened, directory);
            throw e;
        }
        writer = opened;
    }

    /**
     * Deletes passages by seq and adds passages by seq. An added seq is deleted first, so adding a passage the index
     * already holds replaces it rather than doubling it.
     */
    void stage(Set<Long> removed, Map<Long, Document> added) throws IOException {
        Set<Long> deleted = new HashSet<>(removed);
        deleted.addAll(added.keySet());
        if (!deleted.isEmpty()) {
            writer.deleteDocuments(LongPoint.newSetQuery(SEQ, deleted));
        }
        for (Map.Entry<Long, Document> doc : added.entrySet()) {
            doc.getValue().add(new LongPoint(SEQ, doc.getKey()));
            doc.getValue().add(new NumericDocValuesField(SEQ, doc.getKey()));
        }
        writer.addDocuments(added.values());
    }

    /** Makes the changes staged so far visible to searches. */
    void publish() throws IOException {
        searchers.maybeRefreshBlocking();
    }

    /** Live passages. */
    int size() throws IOException {
        return withSearcher(searcher -> searcher.getIndexReader().numDocs());
    }

    /** The top {@code n} by {@code query}, best first, with their seqs and Lucene scores. */
    List<Hit> search(Query query, int n) throws IOException {
        return withSearcher(searcher -> {
            List<Hit> hits = new ArrayList<>();
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            for (ScoreDoc hit : searcher.search(query, n).scoreDocs) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                NumericDocValues seqs = DocValues.getNumeric(leaf.reader(), SEQ);
                if (!seqs.advanceExact(hit.doc - leaf.docBase)) {
                    throw new IllegalStateException("an indexed passage has no seq");
                }
                hits.add(new Hit(seqs.longValue(), hit.score));
            }
            return hits;
        });
    }

    <T> T withSearcher(SearcherFunction<T> action) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return action.apply(searcher);
        } finally {
            searchers.release(searcher);
        }
    }

    interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    Set<Long> seqs() throws IOException {
        return withSearcher(searcher -> {
            Set<Long> out = new HashSet<>();
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                NumericDocValues seqs = DocValues.getNumeric(leaf.reader(), SEQ);
                for (int doc = seqs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = seqs.nextDoc()) {
                    if (live == null || live.get(doc)) {
                        out.add(seqs.longValue());
                    }
                }
            }
            return out;
        });
    }

    /** Heap bytes: the index files in the directory and the writer's buffers. */
    long ramBytes() {
        long bytes = writer.ramBytesUsed();
        try {
            for (String file : directory.listAll()) {
                bytes += directory.fileLength(file);
            }
        } catch (IOException e) {
            // a file merged away while listing: the estimate misses it, the next one will not
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(searchers, writer, directory);
    }
}
