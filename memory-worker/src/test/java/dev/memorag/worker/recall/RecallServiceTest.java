package dev.memorag.worker.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.Question;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.retrieval.RetrievalSettings;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecallServiceTest {
    private static final List<String> PASSAGES = List.of(
            "Marley was dead: to begin with. There is no doubt whatever about that.",
            "Bob Cratchit had but fifteen shillings a week. He pocketed on Saturdays but fifteen copies of his name.",
            "The Ghost of Christmas Present had two children under its robe. This boy is Ignorance. This girl is Want.",
            "Scrooge sent the prize turkey to Bob Cratchit's house in Camden Town.");

    @TempDir
    Path dir;

    @Test
    void emitsCluesEvidenceTokenAndDoneInOrderWithEvidenceInCorpusOrder() {
        Embedder embedder = Embedder.shared();
        float[][] vectors = embedder.embed(PASSAGES);
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < PASSAGES.size(); i++) {
            chunks.add(Chunk.upsert("carol", "stave-" + i, 1, 0, 1, PASSAGES.get(i), 20, vectors[i]));
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex retrieval = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            store.apply(new AppliedBatch(chunks, Map.of(new TopicPartition("chunks", 0), 4L)));
            List<AnswerEvent> events = new ArrayList<>();
            Question question = new Question(
                    1, "q1", "carol", "How much did Bob Cratchit earn a week?", null, 2, null, null, null, null);
            RecallService.withoutMemory(store, retrieval, embedder).answer(question, events::add);

            assertEquals(
                    List.of(
                            AnswerEvent.Type.CLUES,
                            AnswerEvent.Type.EVIDENCE,
                            AnswerEvent.Type.TOKEN,
                            AnswerEvent.Type.DONE),
                    events.stream().map(AnswerEvent::type).toList());
            assertEquals(
                    List.of(0, 1, 2, 3), events.stream().map(AnswerEvent::seq).toList());
            var answer = events.get(3).answer();
            assertEquals(2, answer.evidence().size(), "topK passages for the only clue");
            assertTrue(answer.evidence().stream().anyMatch(e -> e.doc().equals("stave-1")));
            List<String> docs = answer.evidence().stream().map(e -> e.doc()).toList();
            assertEquals(docs.stream().sorted().toList(), docs, "evidence in corpus order, not score order");
            assertTrue(answer.answer().contains("fifteen shillings"), answer::answer);
            assertEquals("none", answer.memory().backend());
            assertEquals(4, answer.memory().documents());
            assertEquals(ExtractiveGenerator.NAME, answer.generator());
            assertEquals(Question.Retrieval.HYBRID, answer.retrieval(), "the worker's default");

            List<AnswerEvent> bm25 = new ArrayList<>();
            RecallService.withoutMemory(store, retrieval, embedder)
                    .answer(
                            new Question(
                                    1,
                                    "q2",
                                    "carol",
                                    "How much did Bob Cratchit earn a week?",
                                    null,
                                    1,
                                    null,
                                    null,
                                    null,
                                    Question.Retrieval.BM25),
                            bm25::add);
            Answer lexical = bm25.get(bm25.size() - 1).answer();
            assertEquals(Question.Retrieval.BM25, lexical.retrieval(), "the question's choice, and the answer says so");
            assertEquals(
                    List.of("stave-1"),
                    lexical.evidence().stream().map(Answer.Evidence::doc).toList());
        }
    }

    @Test
    void evidenceCarriesItsDocumentOffsetsAndTheAnswerHighlightsTheSentencesItQuotes() {
        String document = "STAVE THREE\n\n  Then up rose Mrs. Cratchit, dressed out but poorly.\r\n\r\n"
                + "Alas for Tiny Tim, he bore a\nlittle crutch, and had his limbs supported by an iron frame!\n\n"
                + "‘God bless us every one!’ said Tiny Tim, the last of all. 🎄\n";
        List<String> passages = List.of(
                "STAVE THREE",
                "Then up rose Mrs. Cratchit, dressed out but poorly.",
                "Alas for Tiny Tim, he bore a\nlittle crutch, and had his limbs supported by an iron frame!",
                "‘God bless us every one!’ said Tiny Tim, the last of all. 🎄");
        Embedder embedder = Embedder.shared();
        float[][] vectors = embedder.embed(passages);
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0, from = 0; i < passages.size(); i++) {
            int start = document.indexOf(passages.get(i), from);
            from = start + passages.get(i).length();
            chunks.add(Chunk.upsert(
                    "carol", "carol.txt", 1, i, passages.size(), passages.get(i), 20, vectors[i], start, from));
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex retrieval = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            store.apply(new AppliedBatch(chunks, Map.of(new TopicPartition("chunks", 0), 4L)));
            List<AnswerEvent> events = new ArrayList<>();
            Question question = new Question(
                    1,
                    "q1",
                    "carol",
                    "Which of the Cratchit children walks with a little crutch?",
                    null,
                    2,
                    null,
                    null,
                    null,
                    null);
            RecallService.withoutMemory(store, retrieval, embedder).answer(question, events::add);

            Answer answer = events.get(events.size() - 1).answer();
            assertTrue(answer.answer().contains("Tiny Tim, he bore a little crutch"), answer::answer);
            List<Answer.Span> highlights = new ArrayList<>();
            for (Answer.Evidence e : answer.evidence()) {
                assertEquals(e.text(), document.substring(e.start(), e.end()), "the passage's offsets in the document");
                if (e.highlights() != null) {
                    highlights.addAll(e.highlights());
                }
            }
            assertEquals(
                    List.of(answer.answer()),
                    List.of(highlights.stream()
                            .map(h -> document.substring(h.start(), h.end()).replaceAll("\\s+", " "))
                            .reduce((a, b) -> a + " " + b)
                            .orElse("")),
                    "the highlights are the answer's sentences");
            assertTrue(highlights.stream()
                    .anyMatch(h -> document.substring(h.start(), h.end()).startsWith("Alas for Tiny Tim")));
            List<Answer.Evidence> early = events.get(1).evidence();
            assertEquals(
                    answer.evidence().stream().map(Answer.Evidence::start).toList(),
                    early.stream().map(Answer.Evidence::start).toList(),
                    "the evidence event places the passages too");
            assertTrue(early.stream().allMatch(e -> e.highlights() == null), "nothing is quoted before the answer");
        }
    }

    @Test
    void anEmptyCorpusGetsAClearErrorEvent() {
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex retrieval = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            List<AnswerEvent> events = new ArrayList<>();
            RecallService.withoutMemory(store, retrieval, Embedder.shared())
                    .answer(Question.of("q", "nothing", "Anyone?"), events::add);
            assertEquals(1, events.size());
            assertEquals(ErrorCode.EMPTY_CORPUS.name(), events.get(0).error().code());
            assertTrue(events.get(0).error().message().contains("nothing"));
        }
    }
}
