package dev.memorag.app.eval;

import dev.memorag.worker.store.StoredChunk;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.IOUtils;

/**
 * The lexical baseline: an in-memory Lucene index over a corpus's stored passages, English analysis (stop words,
 * Porter stemming) and BM25 ranking. Hits come back in corpus-stream order, as the dense retriever returns them,
 * so the generator sees the passages the same way whichever retriever found them.
 */
public final class Bm25Retriever implements Closeable {
    private static final String TEXT = "text";
    private static final String POSITION = "position";

    private final List<StoredChunk> chunks;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final Directory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    public Bm25Retriever(List<StoredChunk> chunks) throws IOException {
        this.chunks = List.copyOf(chunks);
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (int i = 0; i < this.chunks.size(); i++) {
                Document doc = new Document();
                doc.add(new TextField(TEXT, this.chunks.get(i).text(), Field.Store.NO));
                doc.add(new StoredField(POSITION, i));
                writer.addDocument(doc);
            }
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
    }

    /** The {@code k} passages that score highest for the question's terms, in corpus-stream order. */
    public List<StoredChunk> retrieve(String question, int k) {
        try {
            BooleanQuery.Builder query = new BooleanQuery.Builder();
            for (String term : terms(question)) {
                query.add(new TermQuery(new Term(TEXT, term)), BooleanClause.Occur.SHOULD);
            }
            StoredFields stored = searcher.storedFields();
            List<StoredChunk> hits = new ArrayList<>();
            for (ScoreDoc hit : searcher.search(query.build(), k).scoreDocs) {
                hits.add(chunks.get(stored.document(hit.doc).getField(POSITION).numericValue().intValue()));
            }
            hits.sort(Comparator.comparingLong(StoredChunk::seq));
            return hits;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The question as the index sees text: analyzed the same way, one SHOULD clause per term occurrence. */
    private List<String> terms(String question) throws IOException {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream(TEXT, question)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        }
        return terms;
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(reader, directory, analyzer);
    }
}
