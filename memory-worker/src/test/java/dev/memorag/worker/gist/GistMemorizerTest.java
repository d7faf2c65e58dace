package dev.memorag.worker.gist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.worker.llm.LlmStandIn;
import dev.memorag.worker.llm.OpenAiClient;
import dev.memorag.worker.llm.RetryPolicy;
import dev.memorag.worker.memory.MemoryProblems;
import dev.memorag.worker.store.Gist;
import dev.memorag.worker.store.GistCursor;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gist memorizer over a real RocksDB store and a scripted OpenAI-compatible stand-in that records every call:
 * passages of 100 tokens, groups of 400 (four passages), documents of six passages, so documents straddle groups.
 */
class GistMemorizerTest {
    private static final String CORPUS = "carol";
    private static final GistSettings SETTINGS = new GistSettings(400, 16384);

    @TempDir
    Path dir;

    private LlmStandIn llm;
    private final List<String> reports = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        llm = new LlmStandIn(LlmStandIn.memoRag(80));
    }

    @AfterEach
    void stop() {
        llm.close();
    }

    private GistMemorizer memorizer(RocksCorpusStore store, GistSettings settings) {
        return new GistMemorizer(
                store,
                new OpenAiClient(llm.base(), "gist-model", null, RetryPolicy.DEFAULT),
                settings,
                new MemoryProblems(),
                reports::add,
                Duration.ofMinutes(1));
    }

    /** Runs the memorizer's steps for the corpus until it is idle. */
    private static void drain(GistMemorizer memorizer, String corpus) throws InterruptedException {
        while (memorizer.step(corpus)) {
            // next step
        }
    }

    /** Four documents of six passages (24 passages, six groups), memorized. */
    private static void fourDocuments(RocksCorpusStore store, GistCorpus corpus, GistMemorizer memorizer)
            throws InterruptedException {
        for (String doc : List.of("fezziwig", "belle", "cratchit", "topper")) {
            corpus.put(store, doc, 1, 6);
        }
        drain(memorizer, CORPUS);
    }

    @Test
    void eachCompleteGroupIsSummarizedOnceAndTheUnfinishedOneStaysVerbatim() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            GistCorpus corpus = new GistCorpus(CORPUS, 100);
            corpus.put(store, "fezziwig", 1, 6);
            corpus.put(store, "belle", 1, 5);
            drain(memorizer(store, SETTINGS), CORPUS);

            // 11 passages: groups [0-3], [4-7], and passages 8-10 (300 tokens) unfinished
            assertEquals(2, llm.gistCalls().size(), "one call per complete group");
            List<Gist> groups = store.groupGists(CORPUS);
            assertEquals(List.of(0L, 4L), groups.stream().map(Gist::firstSeq).toList());
            assertEquals(7L, store.gistCursor(CORPUS).orElseThrow().lastSeq());
            assertTrue(llm.gistCalls().get(0).prompt().contains(GistCorpus.passage("fezziwig", 3))
                    && !llm.gistCalls().get(0).prompt().contains(GistCorpus.passage("fezziwig", 4)));
            String memory = GistMemory.text(store, CORPUS, SETTINGS);
            assertTrue(
                    memory.startsWith(
                            groups.get(0).text() + "\n" + groups.get(1).text()),
                    memory);
            assertTrue(memory.endsWith(GistCorpus.passage("belle", 4)), "the unfinished group is verbatim");
        }
    }

    @Test
    void addingADocumentCallsOnlyForItsOwnGroups() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            GistCorpus corpus = new GistCorpus(CORPUS, 100);
            GistMemorizer memorizer = memorizer(store, SETTINGS);
            fourDocuments(store, corpus, memorizer);
            int before = llm.gistCalls().size();
            assertEquals(6, before, "24 passages, six groups");

            corpus.put(store, "fred", 1, 8);
            drain(memorizer, CORPUS);
            List<LlmStandIn.Call> added =
                    llm.gistCalls().subList(before, llm.gistCalls().size());
            assertEquals(2, added.size(), "eight passages of 100 tokens are two groups of 400");
            for (LlmStandIn.Call call : added) {
                assertTrue(call.prompt().contains("In fred passage"), "a call for the new document's groups");
                for (String doc : List.of("fezziwig", "belle", "cratchit", "topper")) {
                    assertFalse(call.prompt().contains("In " + doc + " passage"), "no earlier passage is re-read");
                }
            }
        }
    }

    @Test
    void memoryAfterIncrementalIngestEqualsTheMemoryOfOnePass() throws Exception {
        List<String> docs = List.of("fezziwig", "belle", "cratchit", "topper", "fred");
        String incremental;
        int incrementalCalls;
        try (RocksCorpusStore store = new RocksCorpusStore(dir.resolve("incremental"))) {
            GistCorpus corpus = new GistCorpus(CORPUS, 100);
            GistMemorizer memorizer = memorizer(store, SETTINGS);
            for (String doc : docs) {
                corpus.put(store, doc, 1, 6);
                drain(memorizer, CORPUS);
            }
            incremental = GistMemory.text(store, CORPUS, SETTINGS);
            incrementalCalls = llm.gistCalls().size();
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir.resolve("one-pass"))) {
            GistCorpus corpus = new GistCorpus(CORPUS, 100);
            docs.forEach(doc -> corpus.put(store, doc, 1, 6));
            drain(memorizer(store, SETTINGS), CORPUS);
            assertEquals(incremental, GistMemory.text(store, CORPUS, SETTINGS));
            assertEquals(
                    incrementalCalls,
                    llm.gistCalls().size() - incrementalCalls,
                    "the same calls, once each, either way");
        }
        assertEquals(
                llm.gistCalls().size(),
                llm.gistCalls().stream()
                                .map(LlmStandIn.Call::prompt)
                                .collect(Collectors.toSet())
                                .size()
                        * 2,
                "every group prompt twice: once per store");
    }

    @Test
    void deletingADocumentResummarizesOnlyTheGroupsThatHeldIt() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            GistCorpus corpus = new GistCorpus(CORPUS, 100);
            GistMemorizer memorizer = memorizer(store, SETTINGS);
            fourDocuments(store, corpus, memorizer);
            List<Gist> before = store.groupGists(CORPUS);
            int calls = llm.gistCalls().size();

            // belle's passages are seqs 6-11: the rest of group [4-7] (with fezziwig's 4-5) and all of [8-11]
            corpus.delete(store, "belle", 2);
            assertEquals(List.of(4L, 8L), store.dirtyGroups(CORPUS), "marked in the deleting write");
            drain(memorizer, CORPUS);

            List<LlmStandIn.Call> redone =
                    llm.gistCalls().subList(calls, llm.gistCalls().size());
            assertEquals(1, redone.size(), "group [4-7] again from fezziwig's two passages; [8-11] emptied: dropped");
            assertTrue(redone.get(0).prompt().contains(GistCorpus.passage("fezziwig", 5))
                    && !redone.get(0).prompt().contains("belle"));
            List<Gist> after = store.groupGists(CORPUS);
            assertEquals(
                    List.of(0L, 4L, 12L, 16L, 20L),
                    after.stream().map(Gist::firstSeq).toList());
            Set<String> untouched = Set.of(
                    before.get(0).text(),
                    before.get(3).text(),
                    before.get(4).text(),
                    before.get(5).text());
            assertTrue(
                    after.stream().map(Gist::text).collect(Collectors.toSet()).containsAll(untouched));
            assertTrue(store.dirtyGroups(CORPUS).isEmpty());
            GistCursor cursor = store.gistCursor(CORPUS).orElseThrow();
            assertEquals(18 * 100, cursor.chunkTokens(), "the grouped tokens lost belle's six passages");
            assertFalse(GistMemory.text(store, CORPUS, SETTINGS).contains("belle"));
        }
    }

    @Test
    void aMemoryWrittenWithOtherSettingsIsRebuiltWithThese() throws Exception {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            fourDocuments(store, new GistCorpus(CORPUS, 100), memorizer(store, SETTINGS));
            assertEquals(6, store.groupGists(CORPUS).size());
            GistSettings halfGroups = new GistSettings(200, SETTINGS.contextTokens());
            drain(memorizer(store, halfGroups), CORPUS);
            assertEquals(12, store.groupGists(CORPUS).size(), "regrouped by two passages");
            assertEquals(6 + 12, llm.gistCalls().size());
            assertTrue(store.groupGists(CORPUS).stream().allMatch(g -> g.seqs().length == 2));
        }
    }

    @Test
    void gistsPastTheBudgetFoldIntoHigherLevelGistsInsteadOfBeingCut() throws Exception {
        // gists of ~200 tokens against a budget of 2048: past ten gists the oldest fold
        GistSettings tight = new GistSettings(400, 2048);
        llm.script(LlmStandIn.memoRag(800));
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            GistCorpus corpus = new GistCorpus(CORPUS, 100);
            for (int d = 0; d < 10; d++) {
                corpus.put(store, "doc" + d, 1, 6);
            }
            drain(memorizer(store, tight), CORPUS);

            List<Gist> entries = GistMemory.entries(store, CORPUS);
            int tokens =
                    entries.stream().mapToInt(e -> GistMemory.tokens(e.text())).sum();
            assertTrue(tokens <= tight.contextTokens(), tokens + " tokens in the memory");
            assertFalse(store.gistFolds(CORPUS).isEmpty(), "older gists were folded");
            assertEquals(0L, entries.get(0).firstSeq(), "the memory still starts at the corpus's start");
            assertEquals(
                    store.groupGists(CORPUS).stream()
                            .mapToLong(Gist::chunkTokens)
                            .sum(),
                    entries.stream().mapToLong(Gist::chunkTokens).sum(),
                    "every group is in the memory, folded or not");
            assertEquals(15, store.groupGists(CORPUS).size(), "the group gists stay under their folds");

            // a delete under a fold: the group is summarized again, the fold over it dropped and folded anew
            corpus.delete(store, "doc0", 2);
            drain(memorizer(store, tight), CORPUS);
            List<Gist> refolded = GistMemory.entries(store, CORPUS);
            assertTrue(
                    refolded.stream().mapToInt(e -> GistMemory.tokens(e.text())).sum() <= tight.contextTokens());
            assertTrue(refolded.stream().noneMatch(e -> e.text().contains("In doc0 passage")), "no deleted text");
            assertEquals(
                    54 * 100, refolded.stream().mapToLong(Gist::chunkTokens).sum(), "54 passages grouped");
        }
    }
}
