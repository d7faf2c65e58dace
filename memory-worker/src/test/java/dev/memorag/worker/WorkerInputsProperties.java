package dev.memorag.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.JsonTrees;
import dev.memorag.schemas.Op;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The worker's chunk boundary: whatever a producer writes to the chunks topic, {@link WorkerInputs#chunk} returns a
 * chunk the store can use or throws {@link InvalidRecordException} (which the worker dead-letters), nothing else.
 */
class WorkerInputsProperties {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final WorkerInputs inputs = new WorkerInputs();

    @Property(tries = 300)
    void randomBytesAreAChunkOrRefused(@ForAll("recordKeys") byte[] key, @ForAll("randomBytes") byte[] value) {
        checkOutcome(key, value);
    }

    @Property(tries = 300)
    void arbitraryJsonIsAChunkOrRefused(@ForAll("recordKeys") byte[] key, @ForAll("jsonTrees") JsonNode value) {
        checkOutcome(key, Json.write(value));
    }

    @Property(tries = 500)
    void mutatedChunksAreAChunkOrRefused(@ForAll("recordKeys") byte[] key, @ForAll("mutatedChunkJson") JsonNode value) {
        checkOutcome(key, Json.write(value));
        Statistics.coverage(coverage -> coverage.check("accepted").count(n -> n > 0));
    }

    /** Accepted or refused with a code and a message; an accepted chunk satisfies every check the store relies on. */
    private void checkOutcome(byte[] key, byte[] value) {
        Chunk chunk;
        try {
            chunk = inputs.chunk(record(key, value));
        } catch (InvalidRecordException refused) {
            Statistics.collect(String.valueOf(refused.code()));
            assertNotNull(refused.code());
            assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a refusal says why");
            return;
        }
        Statistics.collect("accepted");
        assertTrue(chunk.corpus().matches("^[a-z0-9][a-z0-9._-]{0,62}$"), chunk.corpus());
        assertEquals(chunk.corpus(), new String(key, StandardCharsets.UTF_8), "keyed by its corpus");
        assertFalse(chunk.doc().isEmpty());
        assertTrue(chunk.version() >= 1);
        assertNotNull(chunk.op());
        if (chunk.op() == Op.UPSERT) {
            assertTrue(chunk.index() >= 0 && chunk.index() < chunk.count(), "index within count");
            assertNotNull(chunk.text());
            assertTrue(chunk.tokenCount() != null && chunk.tokenCount() >= 0);
            assertEquals(Embedder.DIMENSIONS, chunk.vector().length);
            for (float x : chunk.vector()) {
                assertTrue(Float.isFinite(x));
            }
            if (chunk.start() != null) {
                assertTrue(0 <= chunk.start() && chunk.start() <= chunk.end(), "offsets in order");
                assertEquals(chunk.text().length(), chunk.end() - chunk.start(), "offsets span the text");
            }
        }
        assertEquals(chunk.start() == null, chunk.end() == null, "offsets come in pairs");
    }

    static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        return new ConsumerRecord<>("memorag.chunks", 0, 0L, key, value);
    }

    @Provide
    Arbitrary<byte[]> recordKeys() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("dickens".getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.just((byte[]) null)),
                Tuple.of(
                        1,
                        Arbitraries.of("", "austen", "Dickens", "dickens\u0000")
                                .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, randomBytes()));
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    @Provide
    Arbitrary<JsonNode> jsonTrees() {
        return JsonTrees.any();
    }

    /** A valid upsert or delete chunk with zero to three fields removed, retyped, emptied, enlarged or nulled. */
    @Provide
    Arbitrary<JsonNode> mutatedChunkJson() {
        return Combinators.combine(
                        validChunkJson(),
                        JsonTrees.mutations(CHUNK_FIELDS).list().ofMaxSize(3))
                .as((chunk, mutations) -> {
                    ObjectNode copy = chunk.deepCopy();
                    mutations.forEach(m -> m.applyTo(copy));
                    return copy;
                });
    }

    private static final List<String> CHUNK_FIELDS = List.of(
            "schemaVersion",
            "corpus",
            "doc",
            "version",
            "index",
            "count",
            "op",
            "text",
            "tokenCount",
            "vector",
            "start",
            "end");

    /** Valid chunks of corpus dickens: upserts with small indexes and counts, half with offsets, or deletes. */
    static Arbitrary<ObjectNode> validChunkJson() {
        Arbitrary<ObjectNode> upserts = Combinators.combine(
                        Arbitraries.of("carol", "chimes", "ü ☃"),
                        Arbitraries.longs().between(1, 5),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(0, 500),
                        Arbitraries.integers().between(-1, 100_000))
                .as((doc, version, index, count, tokens, start) -> {
                    String text = "Marley was dead.";
                    ObjectNode chunk = header(doc, version)
                            .put("index", index)
                            .put("count", count)
                            .put("op", "upsert")
                            .put("text", text)
                            .put("tokenCount", tokens);
                    if (start >= 0) {
                        chunk.put("start", start).put("end", start + text.length());
                    }
                    ArrayNode vector = chunk.putArray("vector");
                    for (int i = 0; i < Embedder.DIMENSIONS; i++) {
                        vector.add((i % 7) / 7f);
                    }
                    return chunk;
                });
        Arbitrary<ObjectNode> deletes = Combinators.combine(
                        Arbitraries.of("carol", "chimes"), Arbitraries.longs().between(1, 5))
                .as((doc, version) ->
                        header(doc, version).put("index", 0).put("count", 0).put("op", "delete"));
        return Arbitraries.oneOf(upserts, deletes);
    }

    private static ObjectNode header(String doc, long version) {
        return NODES.objectNode()
                .put("schemaVersion", 1)
                .put("corpus", "dickens")
                .put("doc", doc)
                .put("version", version);
    }
}
