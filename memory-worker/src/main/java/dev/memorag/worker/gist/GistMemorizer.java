package dev.memorag.worker.gist;

import dev.memorag.health.Health;
import dev.memorag.worker.llm.ChatMessage;
import dev.memorag.worker.llm.EndpointException;
import dev.memorag.worker.llm.OpenAiClient;
import dev.memorag.worker.memory.CorpusSteps;
import dev.memorag.worker.memory.MemoryProblems;
import dev.memorag.worker.memory.Prompts;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.Gist;
import dev.memorag.worker.store.GistCursor;
import dev.memorag.worker.store.GistUpdate;
import dev.memorag.worker.store.StoredChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every corpus's gist memory (MemoRAG-Lite's, made incremental) from the passages in the store, on its own
 * thread. The corpus stream is cut at passage boundaries into groups of about {@link GistSettings#groupTokens()}
 * retriever tokens; the endpoint summarizes each completed group once with MemoRAG's gist prompt. The unfinished last
 * group is no call: it stays in the memory verbatim until it fills, so memory built step by step equals memory built
 * in one pass.
 *
 * <p>Exactly once: each step makes one endpoint call and then writes its result and the cursor in one atomic write,
 * so a crash repeats at most the call in progress. Removing a grouped passage marks its group dirty in the removing
 * write; the group is then summarized again from its remaining passages (or dropped when none remain) and nothing
 * else is. When the memory outgrows {@link GistSettings#contextTokens()}, its oldest entries are folded: a run of
 * them worth up to half the budget is summarized into one fold gist with the same prompt, replacing them in the
 * memory (the group gists stay stored under it). A fold over a group that is summarized again is dropped and redone.
 *
 * <p>An endpoint that keeps failing (after the client's bounded retries) leaves the corpus's memory where it is:
 * the problem is recorded for answers and status, the corpus is tried again after a pause, and other corpora go on.
 */
public final class GistMemorizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GistMemorizer.class);

    private final CorpusStore store;
    private final OpenAiClient endpoint;
    private final GistSettings settings;
    private final String fingerprint;
    private final MemoryProblems problems;
    private final Consumer<String> memoryChanged;
    /** Corpora whose memory advanced since it was last reported; memorizer thread only. */
    private final Set<String> unreported = new HashSet<>();
    /** Corpora whose memory was within its budget when last looked at, and has not changed since. */
    private final Set<String> withinBudget = new HashSet<>();

    private final Duration retryPause;
    private final Map<String, Long> pausedUntil = new ConcurrentHashMap<>();
    private final CorpusSteps loop;

    /**
     * {@code memoryChanged} hears of each corpus whose memory caught up with its passages (once per catching up, not
     * per call), broke down or recovered.
     */
    public GistMemorizer(
            CorpusStore store,
            OpenAiClient endpoint,
            GistSettings settings,
            MemoryProblems problems,
            Consumer<String> memoryChanged,
            Duration retryPause) {
        this.store = store;
        this.endpoint = endpoint;
        this.settings = settings;
        this.fingerprint = "gist:" + endpoint.model() + ":group=" + settings.groupTokens();
        this.problems = problems;
        this.memoryChanged = memoryChanged;
        this.retryPause = retryPause;
        this.loop = new CorpusSteps("memorag-gist-memorizer", store, this::step);
    }

    public void start(Health.Part health) {
        loop.start(health);
    }

    /** New passages are in the store. */
    public void wake() {
        loop.wake();
    }

    /** One endpoint call's worth of work for a corpus: a dirty group, the next group or a fold; false if idle. */
    boolean step(String corpus) throws InterruptedException {
        Long paused = pausedUntil.get(corpus);
        if (paused != null && paused - System.nanoTime() > 0) {
            return false;
        }
        try {
            GistCursor cursor = store.gistCursor(corpus).orElse(GistCursor.start(fingerprint));
            boolean worked;
            if (!cursor.fingerprint().equals(fingerprint)) {
                log.info(
                        "corpus '{}': its gist memory was written as {}, this worker writes {}: rebuilding it",
                        corpus,
                        cursor.fingerprint(),
                        fingerprint);
                store.applyGists(GistUpdate.reset(corpus, GistCursor.start(fingerprint)));
                worked = true;
            } else {
                worked = resummarize(corpus, cursor)
                        || appendGroup(corpus, cursor)
                        || (!withinBudget.contains(corpus) && fold(corpus, cursor));
            }
            if (worked) {
                unreported.add(corpus);
                withinBudget.remove(corpus);
            } else {
                withinBudget.add(corpus); // no need to read all its gists again until it changes
                if (problems.clear(corpus) | unreported.remove(corpus)) {
                    memoryChanged.accept(corpus);
                }
            }
            return worked;
        } catch (EndpointException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopped during an endpoint call");
            }
            log.warn(
                    "corpus '{}': its gist memory cannot be extended now (retrying in {} s): {}",
                    corpus,
                    retryPause.toSeconds(),
                    e.getMessage());
            pausedUntil.put(corpus, System.nanoTime() + retryPause.toNanos());
            if (problems.set(corpus, "the gist memory cannot be built: " + e.getMessage())) {
                unreported.remove(corpus);
                memoryChanged.accept(corpus);
            }
            return false;
        }
    }

    /** Summarizes the next complete group after the cursor. */
    private boolean appendGroup(String corpus, GistCursor cursor) {
        List<StoredChunk> group = GistMemory.unfinishedGroup(store, corpus, cursor.lastSeq(), settings.groupTokens());
        long tokens = group.stream().mapToLong(StoredChunk::tokenCount).sum();
        if (tokens < settings.groupTokens()) {
            return false;
        }
        Gist gist = new Gist(
                group.get(0).seq(), group.get(group.size() - 1).seq(), seqs(group), tokens, summarize(passages(group)));
        store.applyGists(GistUpdate.appended(
                corpus, new GistCursor(fingerprint, gist.lastSeq(), cursor.chunkTokens() + tokens), gist));
        return true;
    }

    /** Summarizes the first dirty group again from the passages it still has, or drops it if none are left. */
    private boolean resummarize(String corpus, GistCursor cursor) {
        List<Long> dirty = store.dirtyGroups(corpus);
        if (dirty.isEmpty()) {
            return false;
        }
        long first = dirty.get(0);
        Optional<Gist> old = store.groupGists(corpus).stream()
                .filter(g -> g.firstSeq() == first)
                .findFirst();
        List<StoredChunk> live = new ArrayList<>();
        for (long seq : old.map(Gist::seqs).orElse(new long[0])) {
            store.chunkAt(corpus, seq).ifPresent(live::add);
        }
        List<Long> folds = store.gistFolds(corpus).stream()
                .filter(f -> f.firstSeq() <= first && first <= f.lastSeq())
                .map(Gist::firstSeq)
                .toList();
        long oldTokens = old.map(Gist::chunkTokens).orElse(0L);
        long tokens = live.stream().mapToLong(StoredChunk::tokenCount).sum();
        List<Gist> groups = live.isEmpty()
                ? List.of()
                : List.of(new Gist(first, old.get().lastSeq(), seqs(live), tokens, summarize(passages(live))));
        store.applyGists(new GistUpdate(
                corpus,
                new GistCursor(fingerprint, cursor.lastSeq(), cursor.chunkTokens() - oldTokens + tokens),
                false,
                groups,
                live.isEmpty() ? List.of(first) : List.of(),
                List.of(),
                folds,
                List.of(first),
                seqs(live)));
        return true;
    }

    /** Folds the oldest entries of a memory over its budget into one. */
    private boolean fold(String corpus, GistCursor cursor) {
        List<Gist> entries = GistMemory.entries(store, corpus);
        if (entries.stream().mapToInt(e -> GistMemory.tokens(e.text())).sum() <= settings.contextTokens()) {
            return false;
        }
        List<Gist> run = new ArrayList<>();
        int tokens = 0;
        for (Gist entry : entries) {
            int next = GistMemory.tokens(entry.text());
            if (run.size() >= 2 && tokens + next > settings.contextTokens() / 2) {
                break;
            }
            run.add(entry);
            tokens += next;
        }
        String text = summarize(run.stream().map(e -> e.text().strip()).collect(Collectors.joining("\n")));
        Gist fold = new Gist(
                run.get(0).firstSeq(),
                run.get(run.size() - 1).lastSeq(),
                new long[0],
                run.stream().mapToLong(Gist::chunkTokens).sum(),
                text);
        List<Long> inner = store.gistFolds(corpus).stream()
                .filter(f -> f.firstSeq() >= fold.firstSeq() && f.lastSeq() <= fold.lastSeq())
                .map(Gist::firstSeq)
                .toList();
        store.applyGists(new GistUpdate(
                corpus, cursor, false, List.of(), List.of(), List.of(fold), inner, List.of(), new long[0]));
        return true;
    }

    private String summarize(String text) {
        return endpoint.complete(List.of(ChatMessage.user(Prompts.gist(text))), GistSettings.GIST_MAX_TOKENS)
                .strip();
    }

    private static String passages(List<StoredChunk> passages) {
        return passages.stream().map(StoredChunk::text).collect(Collectors.joining("\n\n"));
    }

    private static long[] seqs(List<StoredChunk> passages) {
        return passages.stream().mapToLong(StoredChunk::seq).toArray();
    }

    @Override
    public void close() {
        loop.close();
    }
}
