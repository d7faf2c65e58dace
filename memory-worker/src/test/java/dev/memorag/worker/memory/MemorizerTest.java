package dev.memorag.worker.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.Question;
import dev.memorag.worker.model.BeaconMemory;
import dev.memorag.worker.model.ComputeDevice;
import dev.memorag.worker.model.MemoryState;
import dev.memorag.worker.model.TensorDType;
import dev.memorag.worker.model.TinyCheckpointWriter;
import dev.memorag.worker.recall.ClueGenerator;
import dev.memorag.worker.recall.ExtractiveGenerator;
import dev.memorag.worker.recall.RecallService;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.retrieval.RetrievalSettings;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.MemoryCursor;
import dev.memorag.worker.store.RocksCorpusStore;
import dev.memorag.worker.store.StoredChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** The memorizer over a real RocksDB store with a tiny beacon checkpoint (window 64, ratio 4). */
class MemorizerTest {
    private static final TopicPartition P0 = new TopicPartition("memorag.chunks", 0);
    private static final String CORPUS = "carol";
    private static final List<String> DOCS = List.of("marley", "cratchit", "ghosts");
    private static final Map<String, List<String>> TEXT = Map.of(
            "marley",
                    List.of(
                            "Marley was dead: to begin with. There is no doubt whatever about that.",
                            "The register of his burial was signed by the clergyman, the clerk, the undertaker, and the chief "
                                    + "mourner. Scrooge signed it."),
            "cratchit",
                    List.of(
                            "Bob Cratchit had but fifteen shillings a week. He pocketed on Saturdays but fifteen "
                                    + "copies of his Christian name.",
                            "Tiny Tim bore a little crutch, and had his limbs supported by an " + "iron frame."),
            "ghosts",
                    List.of(
                            "The Ghost of Christmas Present had two children under its robe. This boy is Ignorance. "
                                    + "This girl is Want.",
                            "The Ghost of Christmas Yet To Come pointed at a neglected grave."));

    @TempDir
    static Path models;

    static Path modelA;
    static Path modelB;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeCheckpoints() throws IOException {
        modelA = TinyCheckpointWriter.write(models.resolve("a"), TinyCheckpointWriter.Spec.tiny("qwen2", 64, 4));
        modelB = TinyCheckpointWriter.write(
                models.resolve("b"),
                new TinyCheckpointWriter.Spec("qwen2", 2, 64, 4, 2, 128, 64, 4, TensorDType.F32, 2, false, 43));
    }

    private static List<Chunk> chunks(String doc, long version) {
        List<String> texts = TEXT.get(doc);
        float[][] vectors = Embedder.shared().embed(texts);
        List<Chunk> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            out.add(Chunk.upsert(
                    CORPUS,
                    doc,
                    version,
                    i,
                    texts.size(),
                    texts.get(i),
                    texts.get(i).length() / 4,
                    vectors[i]));
        }
        return out;
    }

    private static void ingest(RocksCorpusStore store, String corpus, List<String> docs) {
        long offset = store.nextOffset(P0).orElse(0);
        for (String doc : docs) {
            List<Chunk> chunks = chunks(doc, 1).stream()
                    .map(c -> Chunk.upsert(
                            corpus, c.doc(), c.version(), c.index(), c.count(), c.text(), c.tokenCount(), c.vector()))
                    .toList();
            offset += chunks.size();
            store.apply(new AppliedBatch(chunks, Map.of(P0, offset)));
        }
    }

    /** Runs memorization steps until the memorizer has nothing left to do. */
    private static int drain(Memorizer memorizer, String corpus) throws InterruptedException {
        int steps = 0;
        while (memorizer.step(corpus)) {
            steps++;
        }
        return steps;
    }

    /** The memory one uninterrupted pass over the live passages gives. */
    private static MemoryState onePass(MemoryModel model, List<StoredChunk> passages) {
        try (BeaconMemory memory = BeaconMemory.empty(model.model())) {
            memory.extend(model.streamStart());
            for (StoredChunk p : passages) {
                memory.extend(model.passage(p.text()));
            }
            return memory.export();
        }
    }

    private static void assertStoredMemoryEquals(MemoryState expected, RocksCorpusStore store, String corpus) {
        MemoryCursor cursor = store.memoryCursor(corpus).orElseThrow();
        assertEquals(expected.windows().size(), cursor.windows());
        assertArrayEquals(expected.pending(), cursor.pending(), "the unfinished window's tokens");
        List<byte[]> stored = store.memoryWindows(corpus, cursor.windows());
        for (int w = 0; w < stored.size(); w++) {
            assertArrayEquals(expected.windows().get(w), stored.get(w), "window " + w + " bitwise");
        }
    }

    private static List<AnswerEvent> ask(RecallService recall, String corpus, String text) {
        List<AnswerEvent> events = new ArrayList<>();
        recall.answer(new Question(1, "q-" + corpus, corpus, text, null, 2, 16, null, null, null), events::add);
        return events;
    }

    @Test
    void stepsOverTheStoredStreamGiveTheMemoryOfOnePassAndReportCompletedDocuments() throws Exception {
        List<String> memorized = new ArrayList<>();
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                MemoryModel model = MemoryModel.load(modelA, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, 1 << 30);
                Memorizer memorizer = new Memorizer(
                        memories,
                        store,
                        new QuestionGate(),
                        (corpus, docs) -> docs.forEach(d -> memorized.add(d.doc())),
                        1)) {
            ingest(store, CORPUS, DOCS.subList(0, 2));
            int steps = drain(memorizer, CORPUS);
            ingest(store, CORPUS, DOCS.subList(2, 3));
            steps += drain(memorizer, CORPUS);

            assertEquals(6, steps, "one passage per step");
            assertEquals(DOCS, memorized, "each document once its last passage is in memory");
            MemoryState expected = onePass(model, store.chunks(CORPUS));
            assertTrue(expected.windows().size() >= 3, "the test corpus spans several windows");
            assertStoredMemoryEquals(expected, store, CORPUS);
            Answer.MemoryWatermark watermark = MemoryWatermarks.of(store, CORPUS, MemoryWatermarks.BEACON, null);
            assertEquals(expected.tokenCount(), watermark.tokens());
            assertEquals(0, watermark.lag());
            assertFalse(watermark.stale());

            RecallService recall = new RecallService(
                    store,
                    indexOf(store),
                    Embedder.shared(),
                    new ClueGenerator(memories),
                    new ExtractiveGenerator(Embedder.shared(), 2),
                    new QuestionGate());
            List<AnswerEvent> events = ask(recall, CORPUS, "How much did Bob Cratchit earn a week?");
            assertEquals(
                    List.of(
                            AnswerEvent.Type.CLUES,
                            AnswerEvent.Type.EVIDENCE,
                            AnswerEvent.Type.TOKEN,
                            AnswerEvent.Type.DONE),
                    events.stream().map(AnswerEvent::type).toList());
            Answer answer = events.get(3).answer();
            assertEquals(
                    "How much did Bob Cratchit earn a week?", answer.clues().get(0), "the question is a clue");
            assertEquals("beacon", answer.memory().backend());
            assertEquals(expected.windows().size(), answer.memory().windows());
        }
    }

    @Test
    void aDeleteMakesTheMemoryStaleUntilARebuildFromTheLivePassages() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                MemoryModel model = MemoryModel.load(modelA, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, 1 << 30);
                Memorizer memorizer = new Memorizer(memories, store, new QuestionGate(), (c, d) -> {}, 4)) {
            ingest(store, CORPUS, DOCS);
            drain(memorizer, CORPUS);
            store.apply(new AppliedBatch(List.of(Chunk.delete(CORPUS, "cratchit", 2)), Map.of(P0, 100L)));

            RecallService recall = new RecallService(
                    store,
                    indexOf(store),
                    Embedder.shared(),
                    new ClueGenerator(memories),
                    new ExtractiveGenerator(Embedder.shared(), 2),
                    new QuestionGate());
            Answer before = ask(recall, CORPUS, "How much did Bob Cratchit earn a week?")
                    .get(3)
                    .answer();
            assertTrue(before.memory().stale(), "the memory still holds the deleted document");
            assertTrue(
                    before.evidence().stream().noneMatch(e -> e.doc().equals("cratchit")),
                    "deleted passages never come back as evidence");

            assertEquals(1, drain(memorizer, CORPUS), "one rebuild, then nothing to do");
            assertStoredMemoryEquals(onePass(model, store.chunks(CORPUS)), store, CORPUS);
            Answer after = ask(recall, CORPUS, "How much did Bob Cratchit earn a week?")
                    .get(3)
                    .answer();
            assertFalse(after.memory().stale(), "the watermark says the rebuild is done");
            assertEquals(2, after.memory().documents());
        }
    }

    @Test
    void questionsPreemptMemorizationAndTheCacheKeepsOnlyWhatFitsItsBudget() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                MemoryModel model = MemoryModel.load(modelA, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, 1)) {
            QuestionGate gate = new QuestionGate();
            List<String> memorized = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (Memorizer memorizer = new Memorizer(
                    memories,
                    store,
                    gate,
                    (corpus, docs) -> docs.forEach(d -> memorized.add(corpus + "/" + d.doc())),
                    2)) {
                gate.enter(); // a question is being answered
                ingest(store, CORPUS, DOCS);
                ingest(store, "other", DOCS);
                memorizer.start(new dev.memorag.health.Health().part("memorizer"));
                memorizer.wake();
                Thread.sleep(1500);
                assertTrue(
                        store.memoryCursor(CORPUS).map(c -> c.windows() == 0).orElse(true)
                                && store.memoryCursor("other")
                                        .map(c -> c.windows() == 0)
                                        .orElse(true),
                        "no window is computed while a question is in flight");
                gate.exit();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (memorized.size() < 2 * DOCS.size() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(2 * DOCS.size(), memorized.size(), "memorization resumes once the question is done");
            }
            assertStoredMemoryEquals(onePass(model, store.chunks("other")), store, "other");
            // a 1-byte budget keeps at most the memory in use: reading one corpus evicts the other
            memories.read(CORPUS, loaded -> loaded.memory().windowCount());
            memories.read("other", loaded -> loaded.memory().windowCount());
            assertTrue(memories.isHot("other"));
            assertFalse(memories.isHot(CORPUS), "the least recently used memory left the device");
            RecallService recall = new RecallService(
                    store,
                    indexOf(store),
                    Embedder.shared(),
                    new ClueGenerator(memories),
                    new ExtractiveGenerator(Embedder.shared(), 2),
                    new QuestionGate());
            List<AnswerEvent> summary = new ArrayList<>();
            recall.answer(
                    new Question(
                            1, "s", CORPUS, "Summarize the story.", Question.Task.SUMMARIZE, 2, 16, null, null, null),
                    summary::add);
            assertEquals(AnswerEvent.Type.DONE, summary.get(summary.size() - 1).type(), summary::toString);
            assertTrue(memories.isHot(CORPUS), "a cold memory is restored from the store for the question");
        }
    }

    @Test
    void aMemoryOfAnotherModelOrADamagedRowIsRefusedWhileOtherCorporaAreServed() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                MemoryModel model = MemoryModel.load(modelA, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, 1 << 30);
                Memorizer memorizer = new Memorizer(memories, store, new QuestionGate(), (c, d) -> {}, 4)) {
            ingest(store, CORPUS, DOCS);
            ingest(store, "damaged", DOCS);
            drain(memorizer, CORPUS);
            drain(memorizer, "damaged");
        }
        truncateFirstMemoryRow("damaged");
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                MemoryModel model = MemoryModel.load(modelB, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, 1 << 30);
                Memorizer memorizer = new Memorizer(memories, store, new QuestionGate(), (c, d) -> {}, 4)) {
            ingest(store, "fresh", DOCS);
            RecallService recall = new RecallService(
                    store,
                    indexOf(store),
                    Embedder.shared(),
                    new ClueGenerator(memories),
                    new ExtractiveGenerator(Embedder.shared(), 2),
                    new QuestionGate());

            AnswerEvent refused =
                    ask(recall, CORPUS, "Who signed the register?").get(0);
            assertEquals(ErrorCode.MEMORY_UNUSABLE.name(), refused.error().code());
            assertTrue(
                    refused.error().message().contains("written by model " + fingerprint(modelA)),
                    refused.error().message());
            assertFalse(memorizer.step(CORPUS), "the memorizer leaves a foreign memory alone");
            assertTrue(memorizer.unusable(CORPUS).isPresent());

            drain(memorizer, "fresh");
            AnswerEvent served =
                    ask(recall, "fresh", "Who signed the register?").get(3);
            assertEquals(AnswerEvent.Type.DONE, served.type(), "other corpora are served");
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                MemoryModel model = MemoryModel.load(modelA, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, 1 << 30)) {
            RecallService recall = new RecallService(
                    store,
                    indexOf(store),
                    Embedder.shared(),
                    new ClueGenerator(memories),
                    new ExtractiveGenerator(Embedder.shared(), 2),
                    new QuestionGate());
            AnswerEvent damaged =
                    ask(recall, "damaged", "Who signed the register?").get(0);
            assertEquals(ErrorCode.MEMORY_UNUSABLE.name(), damaged.error().code());
            assertTrue(
                    damaged.error().message().contains("window 0 has"),
                    damaged.error().message());
            assertEquals(
                    AnswerEvent.Type.DONE,
                    ask(recall, CORPUS, "Who signed the register?").get(3).type(),
                    "the undamaged corpus is served by the model that wrote it");
        }
    }

    private static String fingerprint(Path checkpoint) {
        try (MemoryModel model = MemoryModel.load(checkpoint, ComputeDevice.cpu(), null)) {
            return model.fingerprint();
        }
    }

    /** Cuts the first memory row of a corpus in half, as a torn write or disk damage would leave it. */
    private void truncateFirstMemoryRow(String corpus) throws Exception {
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        for (String name : List.of("default", "meta", "chunks", "documents", "memory", "stream", "gists")) {
            families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (RocksDB db = RocksDB.open(dir.toString(), families, handles)) {
            ColumnFamilyHandle memory = handles.get(4);
            byte[] prefix = (corpus + "\0").getBytes(StandardCharsets.UTF_8);
            try (RocksIterator it = db.newIterator(memory)) {
                it.seek(prefix);
                assertTrue(it.isValid() && Arrays.equals(prefix, Arrays.copyOf(it.key(), prefix.length)));
                db.put(memory, it.key(), Arrays.copyOf(it.value(), it.value().length / 2));
            }
        } finally {
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    /** The worker's retrieval index over {@code store}: heap only, it goes with the store. */
    private static RetrievalIndex indexOf(RocksCorpusStore store) {
        return RetrievalIndex.attach(store, RetrievalSettings.defaults());
    }
}
