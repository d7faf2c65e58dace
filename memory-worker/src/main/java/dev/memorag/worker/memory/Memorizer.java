package dev.memorag.worker.memory;

import dev.memorag.health.Health;
import dev.memorag.worker.model.BeaconMemory;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.MemoryCursor;
import dev.memorag.worker.store.MemoryUpdate;
import dev.memorag.worker.store.StoredChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends every corpus's memory from the passages in the store, in corpus-stream order, on its own thread.
 *
 * <p>Exactly once: the memorizer's input is the durable corpus stream in the store, not Kafka. Each step reads
 * passages after the persisted cursor, extends the memory window by window (letting questions in between windows),
 * and writes the completed windows, the unfinished window's token ids and the new cursor in one atomic write. A
 * crash anywhere loses at most the step in progress, which the restarted worker recomputes from the same passages:
 * the memory depends only on the token stream, not on how it was split into steps.
 *
 * <p>Deleting or replacing a memorized passage makes the memory stale (the store bumps a generation in the same
 * write); the memorizer then rebuilds the whole memory from the live passages in the background and swaps it in.
 */
public final class Memorizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Memorizer.class);

    /** Told after each commit which documents' last passages it memorized. */
    public interface Listener {
        void memorized(String corpus, List<StoredChunk> completedDocuments);
    }

    private final CorpusMemories memories;
    private final MemoryModel model;
    private final CorpusStore store;
    private final QuestionGate gate;
    private final Listener listener;
    private final int chunksPerStep;
    private final Map<String, String> unusable = new ConcurrentHashMap<>();
    private final CorpusSteps loop;

    public Memorizer(
            CorpusMemories memories, CorpusStore store, QuestionGate gate, Listener listener, int chunksPerStep) {
        this.memories = memories;
        this.model = memories.model();
        this.store = store;
        this.gate = gate;
        this.listener = listener;
        this.chunksPerStep = chunksPerStep;
        this.loop = new CorpusSteps("memorag-memorizer", store, this::step);
    }

    /** Starts memorizing; {@code health} hears when the loop runs and if it stops for good. */
    public void start(Health.Part health) {
        loop.start(health);
    }

    /** New passages are in the store. */
    public void wake() {
        loop.wake();
    }

    /** Why the corpus's memory cannot be used, if it cannot. */
    public Optional<String> unusable(String corpus) {
        return Optional.ofNullable(unusable.get(corpus));
    }

    /** One unit of work for a corpus: a rebuild if its memory is stale, else the next passages; false if idle. */
    boolean step(String corpus) throws InterruptedException {
        if (unusable.containsKey(corpus)) {
            return false;
        }
        try {
            // decide from the stored cursor first: an idle corpus must not be restored into the cache every round
            Optional<MemoryCursor> stored = store.memoryCursor(corpus);
            long generation = store.staleGeneration(corpus);
            boolean stale = stored.isPresent() && generation > stored.get().rebuiltGeneration();
            boolean foreign = stored.isPresent() && !stored.get().fingerprint().equals(model.fingerprint());
            if (!stale
                    && !foreign
                    && store.chunksAfter(
                                    corpus, stored.map(MemoryCursor::lastSeq).orElse(-1L), 1)
                            .isEmpty()) {
                return false;
            }
            MemoryCursor cursor = memories.write(corpus, CorpusMemories.Loaded::cursor); // checks the fingerprint
            if (generation > cursor.rebuiltGeneration()) {
                rebuild(corpus, generation);
                return true;
            }
            List<StoredChunk> next = store.chunksAfter(corpus, cursor.lastSeq(), chunksPerStep);
            if (next.isEmpty()) {
                return false;
            }
            append(corpus, cursor, next);
            return true;
        } catch (InterruptedException e) {
            memories.invalidate(corpus); // stopped between windows: the cached memory is ahead of the store
            throw e;
        } catch (MemoryUnusableException e) {
            log.error("corpus '{}' keeps no memory on this worker: {}", corpus, e.getMessage());
            unusable.put(corpus, e.getMessage());
            memories.invalidate(corpus);
            return false;
        } catch (RuntimeException e) {
            log.error("memorizing corpus '{}' failed; its memory stays at the last committed step", corpus, e);
            unusable.put(corpus, "memorizing failed: " + e.getMessage());
            memories.invalidate(corpus);
            return false;
        }
    }

    private void append(String corpus, MemoryCursor before, List<StoredChunk> passages) throws InterruptedException {
        int[] tokens = tokens(before.tokens() == 0, passages);
        extendByWindow(
                tokens,
                before.tokens(),
                piece -> memories.write(corpus, loaded -> {
                    loaded.memory().extend(piece);
                    return null;
                }));
        memories.advance(corpus, loaded -> {
            BeaconMemory memory = loaded.memory();
            MemoryCursor after = new MemoryCursor(
                    before.fingerprint(),
                    passages.get(passages.size() - 1).seq(),
                    before.tokens() + tokens.length,
                    memory.windowCount(),
                    memory.pending(),
                    before.chunkTokens()
                            + passages.stream()
                                    .mapToLong(StoredChunk::tokenCount)
                                    .sum(),
                    before.rebuiltGeneration());
            store.applyMemory(update(corpus, after, before.windows(), memory, false, passages));
            return after;
        });
        listener.memorized(corpus, passages.stream().filter(StoredChunk::last).toList());
    }

    /** Memorizes every live passage into a new memory, then swaps it in for the stale one. */
    private void rebuild(String corpus, long generation) throws InterruptedException {
        long started = System.nanoTime();
        BeaconMemory fresh = BeaconMemory.empty(model.model());
        try {
            List<StoredChunk> all = new ArrayList<>();
            long tokens = 0;
            for (List<StoredChunk> page = store.chunksAfter(corpus, -1, chunksPerStep);
                    !page.isEmpty();
                    page = store.chunksAfter(corpus, page.get(page.size() - 1).seq(), chunksPerStep)) {
                int[] pageTokens = tokens(all.isEmpty(), page);
                extendByWindow(pageTokens, tokens, fresh::extend);
                tokens += pageTokens.length;
                all.addAll(page);
            }
            long last = all.isEmpty() ? -1 : all.get(all.size() - 1).seq();
            MemoryCursor cursor = new MemoryCursor(
                    model.fingerprint(),
                    last,
                    tokens,
                    fresh.windowCount(),
                    fresh.pending(),
                    all.stream().mapToLong(StoredChunk::tokenCount).sum(),
                    generation);
            store.applyMemory(update(corpus, cursor, 0, fresh, true, all));
            memories.replace(corpus, fresh, cursor);
            fresh = null;
            log.info(
                    "rebuilt the memory of corpus '{}' from {} live passages ({} windows) in {} ms",
                    corpus,
                    all.size(),
                    cursor.windows(),
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            if (fresh != null) {
                fresh.close();
            }
        }
    }

    /**
     * Feeds {@code tokens} to a memory that holds {@code tokensBefore} tokens in pieces ending at window boundaries,
     * waiting before each piece until no question is running: a question waits for at most one window's forward.
     */
    private void extendByWindow(int[] tokens, long tokensBefore, Consumer<int[]> extend) throws InterruptedException {
        int window = model.model().beacon().window();
        for (int pos = 0; pos < tokens.length; ) {
            int take = Math.min(tokens.length - pos, window - (int) ((tokensBefore + pos) % window));
            gate.awaitNoQuestions();
            extend.accept(Arrays.copyOfRange(tokens, pos, pos + take));
            pos += take;
        }
    }

    /** The stream tokens of passages; the stream's opening comes first in a memory's first step. */
    private int[] tokens(boolean opening, List<StoredChunk> passages) {
        List<int[]> parts = new ArrayList<>();
        if (opening) {
            parts.add(model.streamStart());
        }
        passages.forEach(p -> parts.add(model.passage(p.text())));
        int[] out = new int[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private MemoryUpdate update(
            String corpus,
            MemoryCursor cursor,
            int fromWindow,
            BeaconMemory memory,
            boolean replaces,
            List<StoredChunk> consumed) {
        List<byte[]> windows = new ArrayList<>();
        for (int w = fromWindow; w < memory.windowCount(); w++) {
            windows.add(memory.exportWindow(w));
        }
        return new MemoryUpdate(
                corpus,
                cursor,
                fromWindow,
                windows,
                model.model().config().numLayers(),
                replaces,
                consumed.stream().mapToLong(StoredChunk::seq).toArray());
    }

    @Override
    public void close() {
        loop.close();
    }
}
