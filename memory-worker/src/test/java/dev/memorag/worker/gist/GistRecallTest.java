package dev.memorag.worker.gist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Question;
import dev.memorag.worker.llm.LlmStandIn;
import dev.memorag.worker.llm.OpenAiClient;
import dev.memorag.worker.llm.RetryPolicy;
import dev.memorag.worker.memory.MemoryProblems;
import dev.memorag.worker.memory.Prompts;
import dev.memorag.worker.memory.QuestionGate;
import dev.memorag.worker.recall.ClueGenerator;
import dev.memorag.worker.recall.ExtractiveGenerator;
import dev.memorag.worker.recall.RecallService;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.retrieval.RetrievalSettings;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.Gist;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers over gist memories: real store, real bge-small embeddings and retrieval, the extractive generator, and a
 * stand-in endpoint that records every call. One corpus's memory cannot be built (the endpoint refuses its gists).
 */
class GistRecallTest {
    private static final RetryPolicy QUICK =
            new RetryPolicy(2, Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(100));
    private static final GistSettings SETTINGS = new GistSettings(40, 4096);
    private static final List<String> CAROL = List.of(
            "Marley was dead: to begin with. There is no doubt whatever about that.",
            "The register of his burial was signed by the clergyman, the clerk, the undertaker, and the chief mourner.",
            "Scrooge signed it. And Scrooge's name was good upon 'Change, for anything he chose to put his hand to.",
            "Bob Cratchit had but fifteen shillings a week, and Tiny Tim bore a little crutch.",
            "The Ghost of Christmas Yet To Come pointed at a neglected grave.");
    private static final List<String> CHIMES = List.of(
            "Toby Veck, called Trotty for his pace, waited for jobs by the church door in all weathers.",
            "The chimes of the old church rang out the old year and rang in the new one over the city.");

    @TempDir
    Path dir;

    private LlmStandIn llm;
    private final MemoryProblems problems = new MemoryProblems();
    private final List<String> reports = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        llm = new LlmStandIn(refusingChimesGists());
    }

    @AfterEach
    void stop() {
        llm.close();
    }

    /** The endpoint summarizes carol's groups but answers 503 to every gist of chimes. */
    private static LlmStandIn.Script refusingChimesGists() {
        LlmStandIn.Script memoRag = LlmStandIn.memoRag(120);
        return (call, index) -> call.isGist() && call.prompt().contains("Trotty")
                ? LlmStandIn.Reply.status(503, null)
                : memoRag.reply(call, index);
    }

    private static void put(RocksCorpusStore store, String corpus, List<String> texts) {
        float[][] vectors = Embedder.shared().embed(texts);
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            chunks.add(Chunk.upsert(
                    corpus,
                    corpus + "-book",
                    1,
                    i,
                    texts.size(),
                    texts.get(i),
                    texts.get(i).length() / 4,
                    vectors[i]));
        }
        store.apply(new AppliedBatch(chunks, Map.of(new TopicPartition("memorag.chunks", 0), 1L + texts.size())));
    }

    private static Answer ask(RecallService recall, String corpus, String id, String question) {
        List<AnswerEvent> events = new ArrayList<>();
        recall.answer(Question.of(id, corpus, question), events::add);
        AnswerEvent done = events.get(events.size() - 1);
        assertEquals(AnswerEvent.Type.DONE, done.type(), events.toString());
        return done.answer();
    }

    @Test
    void cluesCarryTheGistMemoryAsTheSameLeadingTurnAndABrokenMemoryFallsBackLabelled() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex retrieval = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            put(store, "carol", CAROL);
            put(store, "chimes", CHIMES);
            OpenAiClient endpoint = new OpenAiClient(llm.base(), "gist-model", null, QUICK);
            GistMemorizer memorizer =
                    new GistMemorizer(store, endpoint, SETTINGS, problems, reports::add, Duration.ofMinutes(1));
            for (String corpus : List.of("chimes", "carol")) {
                while (memorizer.step(corpus)) {
                    // next step
                }
            }
            assertFalse(store.groupGists("carol").isEmpty(), "chimes' failures did not hold carol up");
            assertTrue(store.groupGists("chimes").isEmpty());
            assertEquals(
                    List.of("chimes", "carol"),
                    reports,
                    "status hears once of the memory that broke down and once of the one that caught up");
            assertEquals(
                    2,
                    llm.gistCalls().stream()
                            .filter(c -> c.prompt().contains("Trotty"))
                            .count(),
                    "the chimes gist was tried as often as the retry policy allows, then paused");

            RecallService recall = new RecallService(
                    store,
                    retrieval,
                    Embedder.shared(),
                    new ClueGenerator(new GistClues(store, endpoint, SETTINGS)),
                    new ExtractiveGenerator(Embedder.shared(), 3),
                    new QuestionGate(),
                    problems);
            int before = llm.calls().size();
            Answer first = ask(recall, "carol", "q1", "Who signed the register of Marley's burial?");
            Answer second = ask(recall, "carol", "q2", "What did the last ghost point at?");
            List<LlmStandIn.Call> clueCalls =
                    llm.calls().subList(before, llm.calls().size());

            assertEquals(6, clueCalls.size(), "span, sur and qa for each question");
            String memoryTurn = clueCalls.get(0).messages().get(0).content();
            assertTrue(memoryTurn.startsWith(Prompts.CONTEXT_HEAD) && memoryTurn.endsWith(Prompts.CONTEXT_TAIL));
            for (Gist gist : store.groupGists("carol")) {
                assertTrue(memoryTurn.contains(gist.text()), "the memory turn holds every gist");
            }
            for (LlmStandIn.Call call : clueCalls) {
                assertEquals(memoryTurn, call.messages().get(0).content(), "byte-identical leading turn");
                assertEquals(Prompts.DULL_REPLY, call.messages().get(1).content());
                assertEquals(3, call.messages().size());
            }
            assertEquals(
                    Prompts.withQuestion(Prompts.SPAN, "Who signed the register of Marley's burial?"),
                    clueCalls.get(0).prompt());
            assertEquals("gist", first.memory().backend());
            assertNull(first.memory().problem());
            assertTrue(
                    first.clues().contains("Scrooge signed the register of Marley's burial"),
                    first.clues().toString());
            assertFalse(second.evidence().isEmpty());

            int beforeChimes = llm.calls().size();
            Answer chimes = ask(recall, "chimes", "q3", "Where did Trotty wait for jobs?");
            assertEquals(beforeChimes, llm.calls().size(), "no clue calls for a memory that cannot be built");
            assertEquals(List.of("Where did Trotty wait for jobs?"), chimes.clues());
            assertTrue(
                    chimes.memory().problem().contains("HTTP 503")
                            && chimes.memory().problem().endsWith("the question is the only clue"),
                    chimes.memory().problem());
            assertTrue(chimes.evidence().get(0).text().contains("Trotty"), "retrieval still answers");

            llm.script((call, index) -> LlmStandIn.Reply.status(500, null));
            Answer down = ask(recall, "carol", "q4", "Who signed the register of Marley's burial?");
            assertEquals(List.of("Who signed the register of Marley's burial?"), down.clues());
            assertTrue(
                    down.memory().problem().startsWith("the memory endpoint could not write clues"),
                    down.memory().problem());
            assertFalse(down.evidence().isEmpty(), "answered with question-only clues");
        }
    }
}
