package dev.memorag.worker.retrieval;

import dev.memorag.worker.store.StoredChunk;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.IOUtils;

/**
 * BM25 over one corpus's passages, analyzed as the evaluation harness's baseline does (Lucene's English analysis:
 * stop words, Porter stemming). Texts are indexed, not stored: hits are read back from the store by seq.
 */
final class LexicalIndex implements Closeable {
    private static final String TEXT = "text";

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final LuceneIndex index;

    LexicalIndex() throws IOException {
        try {
            index = new LuceneIndex(analyzer, Codec.getDefault());
        } catch (IOException | RuntimeException e) {
            analyzer.close();
            throw e;
        }
    }

    /** Searches see the change after {@link #publish}. */
    void stage(Set<Long> removed, List<StoredChunk> added) throws IOException {
        Map<Long, Document> docs = new LinkedHashMap<>();
        for (StoredChunk chunk : added) {
            Document doc = new Document();
            doc.add(new TextField(TEXT, chunk.text(), Field.Store.NO));
            docs.put(chunk.seq(), doc);
        }
        index.stage(removed, docs);
    }

    void publish() throws IOException {
        index.publish();
    }

    /** The {@code n} passages of highest BM25 score for the clue's terms, best first; none if it has no terms. */
    List<Hit> search(String clue, int n) throws IOException {
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        List<String> terms = terms(clue);
        // one SHOULD clause per term occurrence, within Lucene's clause limit
        for (String term : terms.subList(0, Math.min(terms.size(), IndexSearcher.getMaxClauseCount()))) {
            query.add(new TermQuery(new Term(TEXT, term)), BooleanClause.Occur.SHOULD);
        }
        return terms.isEmpty() ? List.of() : index.search(query.build(), n);
    }

    private List<String> terms(String text) throws IOException {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        }
        return terms;
    }

    Set<Long> seqs() throws IOException {
        return index.seqs();
    }

    long ramBytes() {
        return index.ramBytes();
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(index, analyzer);
    }
}
