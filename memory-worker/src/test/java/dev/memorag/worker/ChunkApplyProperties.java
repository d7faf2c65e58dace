package dev.memorag.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Op;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.CorpusStats;
import dev.memorag.worker.store.RocksCorpusStore;
import dev.memorag.worker.store.StoredChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's apply path: every chunk {@link WorkerInputs} accepts, in any order and batching (late versions,
 * re-deliveries, deletes of documents never seen, indexes past what came before), is applied to a real
 * {@link RocksCorpusStore} without an exception, and the store ends up holding the newest version of each document
 * with counts that agree with what it lists.
 */
class ChunkApplyProperties {
    private static final TopicPartition PARTITION = new TopicPartition("memorag.chunks", 0);
    private static final List<String> CORPORA = List.of("dickens", "austen");
    private final WorkerInputs inputs = new WorkerInputs();
    private Path dir;

    @BeforeTry
    void createStoreDirectory() throws IOException {
        dir = Files.createTempDirectory("chunk-apply");
    }

    @AfterTry
    void deleteStoreDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 150)
    void acceptedChunksApplyInAnyOrderAndBatching(
            @ForAll("chunkRecordSequences") List<ObjectNode> records, @ForAll("batchSizes") List<Integer> batchSizes) {
        List<Chunk> accepted = new ArrayList<>();
        for (ObjectNode json : records) {
            try {
                accepted.add(inputs.chunk(WorkerInputsProperties.record(
                        json.get("corpus").asText().getBytes(StandardCharsets.UTF_8), Json.write(json))));
            } catch (InvalidRecordException refused) {
                // dead-lettered by the worker; never reaches the store
            }
        }
        DocumentModel model = new DocumentModel();
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            int from = 0;
            long offset = 0;
            for (int size : batchSizes) {
                List<Chunk> batch = accepted.subList(from, Math.min(accepted.size(), from + size));
                from += batch.size();
                offset += batch.size();
                store.apply(new AppliedBatch(batch, Map.of(PARTITION, offset)));
                batch.forEach(model::apply);
                for (String corpus : CORPORA) {
                    assertAgrees(model, store, corpus);
                }
            }
        }
    }

    private static void assertAgrees(DocumentModel model, RocksCorpusStore store, String corpus) {
        List<StoredChunk> listed = store.chunks(corpus);
        assertEquals(model.passages(corpus), passages(listed), "the newest version of each document, once each");
        assertEquals(
                passages(listed),
                passages(store.chunksAfter(corpus, -1, Integer.MAX_VALUE)),
                "the corpus stream names exactly the stored passages");
        assertEquals(
                new CorpusStats(
                        model.liveDocuments(corpus),
                        listed.size(),
                        listed.stream().mapToLong(StoredChunk::tokenCount).sum()),
                store.stats(corpus));
    }

    private static Set<String> passages(List<StoredChunk> chunks) {
        Set<String> out = new TreeSet<>();
        chunks.forEach(c -> out.add(c.doc() + " v" + c.version() + " #" + c.index()));
        return out;
    }

    /** What the store should hold: per document the newest version seen, whether it is a delete, its indexes. */
    private static final class DocumentModel {
        private record Doc(long version, boolean deleted, Set<Integer> indexes) {}

        private final Map<String, Map<String, Doc>> corpora = new HashMap<>();

        void apply(Chunk chunk) {
            Map<String, Doc> docs = corpora.computeIfAbsent(chunk.corpus(), c -> new HashMap<>());
            Doc current = docs.get(chunk.doc());
            if (current != null && chunk.version() < current.version()) {
                return;
            }
            if (current == null || chunk.version() > current.version()) {
                current = new Doc(chunk.version(), chunk.op() == Op.DELETE, new TreeSet<>());
                docs.put(chunk.doc(), current);
            }
            if (chunk.op() == Op.UPSERT) {
                current.indexes().add(chunk.index());
            }
        }

        Set<String> passages(String corpus) {
            Set<String> out = new TreeSet<>();
            corpora.getOrDefault(corpus, Map.of())
                    .forEach((doc, state) ->
                            state.indexes().forEach(i -> out.add(doc + " v" + state.version() + " #" + i)));
            return out;
        }

        long liveDocuments(String corpus) {
            return corpora.getOrDefault(corpus, Map.of()).values().stream()
                    .filter(d -> !d.deleted())
                    .count();
        }
    }

    /**
     * Up to 40 chunk records over two corpora and a few documents, including document ids that are prefixes of one
     * another: small versions, indexes and counts, so that versions supersede each other, arrive late and repeat.
     */
    @Provide
    Arbitrary<List<ObjectNode>> chunkRecordSequences() {
        return chunkRecords().list().ofMaxSize(40);
    }

    /** How the sequence is cut into batches: each batch one store write, as one poll of the worker. */
    @Provide
    Arbitrary<List<Integer>> batchSizes() {
        return Arbitraries.integers().between(1, 8).list().ofMinSize(40).ofMaxSize(40);
    }

    private static Arbitrary<ObjectNode> chunkRecords() {
        Arbitrary<String> corpus = Arbitraries.of(CORPORA);
        Arbitrary<String> doc = Arbitraries.of("carol", "car", "carol\u0000x", "carol x", "ü", "a\u0001");
        Arbitrary<Long> version = Arbitraries.longs().between(1, 4);
        Arbitrary<ObjectNode> upserts = Combinators.combine(
                        corpus,
                        doc,
                        version,
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .as((c, d, v, index, count, tokens) -> {
                    ObjectNode chunk = header(c, d, v)
                            .put("index", index)
                            .put("count", count)
                            .put("op", "upsert")
                            .put("text", d + " " + v + " " + index)
                            .put("tokenCount", tokens);
                    ArrayNode vector = chunk.putArray("vector");
                    for (int i = 0; i < Embedder.DIMENSIONS; i++) {
                        vector.add(index + i / 1000f);
                    }
                    return chunk;
                });
        Arbitrary<ObjectNode> deletes = Combinators.combine(corpus, doc, version)
                .as((c, d, v) -> header(c, d, v).put("index", 0).put("count", 0).put("op", "delete"));
        return Arbitraries.frequencyOf(Tuple.of(4, upserts), Tuple.of(1, deletes));
    }

    private static ObjectNode header(String corpus, String doc, long version) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("schemaVersion", 1)
                .put("corpus", corpus)
                .put("doc", doc)
                .put("version", version);
    }
}
