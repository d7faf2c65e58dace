package dev.memorag.worker.store;

import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Op;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The worker's one RocksDB instance. Owns every native handle and closes them in reverse order of creation.
 * Column families: {@code meta} (applied offsets, per-corpus sequence counters, totals, memory cursor and stale
 * generation), {@code chunks} (by document), {@code stream} (corpus-stream position → chunk, live chunks only),
 * {@code documents}, {@code memory} (beacon K/V rows per window and layer), {@code gists} (the gist memory: group
 * gists, folds and dirty marks of groups that lost passages).
 *
 * <p>Chunk batches (from the poll thread) and memory steps (from the memorizer) are serialized on this object, so
 * each sees the other's effects whole: that is what lets a memory step detect passages removed under it.
 */
public final class RocksCorpusStore implements CorpusStore {
    static {
        RocksDB.loadLibrary();
    }

    private final DBOptions options;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions syncWrites;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle chunks;
    private final ColumnFamilyHandle documents;
    private final ColumnFamilyHandle memory;
    private final ColumnFamilyHandle stream;
    private final ColumnFamilyHandle gists;

    private final boolean readOnly;
    /** Checked on every call: a closed RocksDB handle must never reach native code. */
    private volatile boolean open;
    /**
     * Readers (recall threads, the memorizer, the poll loop) hold the read lock from the open check to their last
     * native call, and {@link #close} takes the write lock: a reader that outlived a shutdown wait gets "closed",
     * never freed handles. Writers are serialized by this object's monitor, which {@code close} also takes.
     */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

    private final List<PassageListener> listeners = new CopyOnWriteArrayList<>();

    public RocksCorpusStore(Path dir) {
        this(dir, false);
    }

    /**
     * Opens a store another process may be writing, read-only, as it is at this moment: for inspection (tools and
     * tests); writes are refused.
     */
    public static RocksCorpusStore openReadOnly(Path dir) {
        return new RocksCorpusStore(dir, true);
    }

    private RocksCorpusStore(Path dir, boolean readOnly) {
        this.readOnly = readOnly;
        try {
            Files.createDirectories(dir);
            options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
            cfOptions = new ColumnFamilyOptions();
            // fsync each write: it carries the Kafka offsets or the memory cursor, losing it would be silent loss
            syncWrites = new WriteOptions().setSync(true);
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                    new ColumnFamilyDescriptor(bytes("meta"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("chunks"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("documents"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("memory"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("stream"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("gists"), cfOptions));
            db = readOnly
                    ? RocksDB.openReadOnly(options, dir.toString(), families, handles)
                    : RocksDB.open(options, dir.toString(), families, handles);
            meta = handles.get(1);
            chunks = handles.get(2);
            documents = handles.get(3);
            memory = handles.get(4);
            stream = handles.get(5);
            gists = handles.get(6);
            open = true;
        } catch (Exception e) {
            throw new StoreException("cannot open the corpus store at " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong nextOffset(TopicPartition partition) {
        byte[] value = get(meta, Keys.offset(partition));
        return value == null ? OptionalLong.empty() : OptionalLong.of(Keys.longOf(value));
    }

    @Override
    public synchronized void apply(AppliedBatch batch) {
        refuseIfReadOnly();
        BatchWriter writer;
        try (WriteBatch write = new WriteBatch()) {
            writer = new BatchWriter(write);
            writer.apply(batch.chunks());
            for (Map.Entry<TopicPartition, Long> offset : batch.nextOffsets().entrySet()) {
                write.put(meta, Keys.offset(offset.getKey()), Keys.longValue(offset.getValue()));
            }
            db.write(syncWrites, write);
        } catch (RocksDBException e) {
            throw new StoreException(
                    "cannot apply a batch of " + batch.chunks().size() + " chunks: " + e.getMessage(), e);
        }
        for (PassageChanges changes : writer.changes()) {
            listeners.forEach(l -> l.changed(changes));
        }
    }

    @Override
    public void listen(PassageListener listener) {
        listeners.add(listener);
    }

    /** The effects of one chunk batch, accumulated against what is stored plus what the batch wrote so far. */
    private final class BatchWriter {
        private final WriteBatch write;
        private final Map<String, DocumentState> docStates = new HashMap<>();
        /** Chunks written by this batch per document key; committed rows of these documents may be cleared. */
        private final Map<String, List<StoredChunk>> written = new HashMap<>();

        private final Set<String> cleared = new HashSet<>();
        private final Map<String, Long> sequences = new HashMap<>();
        private final Map<String, long[]> counts = new HashMap<>();
        private final Map<String, Long> staleBumps = new HashMap<>();
        /** Per corpus: seqs of stored passages this batch removed, and passages it added (by seq) that stay. */
        private final Map<String, Set<Long>> removedSeqs = new HashMap<>();

        private final Map<String, Map<Long, StoredChunk>> addedSeqs = new HashMap<>();

        BatchWriter(WriteBatch write) {
            this.write = write;
        }

        void apply(List<Chunk> batch) throws RocksDBException {
            for (Chunk chunk : batch) {
                byte[] docKey = Keys.document(chunk.corpus(), chunk.doc());
                String docId = new String(docKey, StandardCharsets.UTF_8);
                DocumentState current = docStates.computeIfAbsent(docId, k -> {
                    byte[] stored = get(documents, docKey);
                    return stored == null ? null : DocumentState.decode(stored);
                });
                if (current != null && chunk.version() < current.version()) {
                    continue; // a late chunk of a superseded version
                }
                long[] total = counts(chunk.corpus());
                if (current == null || chunk.version() > current.version()) {
                    removeChunks(chunk.corpus(), chunk.doc(), docId);
                    total[0] += (chunk.op() == Op.DELETE ? 0 : 1) - (current == null || current.deleted() ? 0 : 1);
                    current = new DocumentState(chunk.version(), chunk.op() == Op.DELETE);
                    docStates.put(docId, current);
                    write.put(documents, docKey, current.encode());
                }
                if (chunk.op() == Op.UPSERT && !stored(docId, chunk)) {
                    long seq = sequences.compute(chunk.corpus(), (c, s) -> s != null ? s + 1 : nextSequence(c));
                    StoredChunk stored = new StoredChunk(
                            chunk.doc(),
                            chunk.version(),
                            chunk.index(),
                            chunk.count(),
                            seq,
                            chunk.tokenCount(),
                            chunk.text(),
                            chunk.vector(),
                            chunk.start(),
                            chunk.end());
                    write.put(chunks, Keys.chunk(chunk.corpus(), chunk.doc(), chunk.index()), stored.encodeValue());
                    write.put(
                            stream,
                            Keys.stream(chunk.corpus(), seq),
                            Keys.chunk(chunk.corpus(), chunk.doc(), chunk.index()));
                    written.computeIfAbsent(docId, k -> new ArrayList<>()).add(stored);
                    addedSeqs
                            .computeIfAbsent(chunk.corpus(), k -> new HashMap<>())
                            .put(seq, stored);
                    total[1]++;
                    total[2] += chunk.tokenCount();
                }
            }
            for (Map.Entry<String, Long> seq : sequences.entrySet()) {
                write.put(meta, Keys.sequence(seq.getKey()), Keys.longValue(seq.getValue() + 1));
            }
            for (Map.Entry<String, long[]> total : counts.entrySet()) {
                write.put(meta, Keys.counts(total.getKey()), encodeCounts(total.getValue()));
            }
            for (Map.Entry<String, Long> stale : staleBumps.entrySet()) {
                write.put(meta, Keys.staleGeneration(stale.getKey()), Keys.longValue(stale.getValue()));
            }
        }

        /** A re-delivered chunk of the version already stored counts once. */
        private boolean stored(String docId, Chunk chunk) {
            for (StoredChunk c : written.getOrDefault(docId, List.of())) {
                if (c.index() == chunk.index()) {
                    return true;
                }
            }
            return !cleared.contains(docId)
                    && get(chunks, Keys.chunk(chunk.corpus(), chunk.doc(), chunk.index())) != null;
        }

        /** Drops a document's passages, from the totals and the stream too; the memory goes stale if it had them. */
        private void removeChunks(String corpus, String doc, String docId) throws RocksDBException {
            List<StoredChunk> old = new ArrayList<>(written.getOrDefault(docId, List.of()));
            if (cleared.add(docId)) {
                scan(
                        chunks,
                        Keys.prefix(corpus, doc),
                        (key, value) -> old.add(StoredChunk.decode(doc, Keys.chunkIndex(key), value)));
            }
            written.remove(docId);
            if (old.isEmpty()) {
                return;
            }
            long memorized = memoryCursor(corpus).map(MemoryCursor::lastSeq).orElse(-1L);
            long grouped = gistCursor(corpus).map(GistCursor::lastSeq).orElse(-1L);
            long[] total = counts(corpus);
            Map<Long, StoredChunk> added = addedSeqs.computeIfAbsent(corpus, k -> new HashMap<>());
            for (StoredChunk c : old) {
                if (added.remove(c.seq()) == null) { // one this batch added is simply not added
                    removedSeqs.computeIfAbsent(corpus, k -> new HashSet<>()).add(c.seq());
                }
                write.delete(stream, Keys.stream(corpus, c.seq()));
                total[1]--;
                total[2] -= c.tokenCount();
                if (c.seq() <= memorized) {
                    staleBumps.computeIfAbsent(corpus, k -> staleGeneration(corpus) + 1);
                }
                if (c.seq() <= grouped) {
                    markGroupDirty(write, corpus, c.seq());
                }
            }
            byte[] prefix = Keys.prefix(corpus, doc);
            write.deleteRange(chunks, prefix, Keys.end(prefix));
        }

        private long[] counts(String corpus) {
            return counts.computeIfAbsent(corpus, RocksCorpusStore.this::storedCounts);
        }

        List<PassageChanges> changes() {
            Set<String> corpora = new TreeSet<>(removedSeqs.keySet());
            corpora.addAll(addedSeqs.keySet());
            List<PassageChanges> out = new ArrayList<>();
            for (String corpus : corpora) {
                Set<Long> removed = removedSeqs.getOrDefault(corpus, Set.of());
                List<StoredChunk> added = addedSeqs.getOrDefault(corpus, Map.of()).values().stream()
                        .sorted(Comparator.comparingLong(StoredChunk::seq))
                        .toList();
                if (!removed.isEmpty() || !added.isEmpty()) {
                    out.add(new PassageChanges(corpus, Set.copyOf(removed), added));
                }
            }
            return out;
        }
    }

    /** Marks the group gist that holds stream position {@code seq} for re-summarizing. */
    private void markGroupDirty(WriteBatch write, String corpus, long seq) throws RocksDBException {
        byte[] prefix = Keys.gistPrefix('g', corpus);
        try (ReadOptions read = new ReadOptions();
                RocksIterator it = db.newIterator(gists, read)) {
            it.seekForPrev(Keys.gist('g', corpus, seq));
            if (it.isValid() && startsWith(it.key(), prefix)) {
                write.put(gists, Keys.gist('d', corpus, Keys.streamSeq(it.key())), new byte[0]);
            }
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private long nextSequence(String corpus) {
        byte[] value = get(meta, Keys.sequence(corpus));
        return value == null ? 0 : Keys.longOf(value);
    }

    private long[] storedCounts(String corpus) {
        byte[] value = get(meta, Keys.counts(corpus));
        if (value == null) {
            return new long[3];
        }
        ByteBuffer buf = ByteBuffer.wrap(value);
        return new long[] {buf.getLong(), buf.getLong(), buf.getLong()};
    }

    private static byte[] encodeCounts(long[] counts) {
        return ByteBuffer.allocate(24)
                .putLong(counts[0])
                .putLong(counts[1])
                .putLong(counts[2])
                .array();
    }

    @Override
    public Set<String> corpora() {
        Set<String> out = new TreeSet<>();
        byte[] prefix = bytes("count\0");
        scan(
                meta,
                prefix,
                (key, value) ->
                        out.add(new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8)));
        return out;
    }

    @Override
    public List<StoredChunk> chunks(String corpus) {
        List<StoredChunk> out = new ArrayList<>();
        scan(chunks, Keys.prefix(corpus), (key, value) -> {
            String[] names = Keys.chunkNames(key);
            out.add(StoredChunk.decode(names[1], Keys.chunkIndex(key), value));
        });
        out.sort(Comparator.comparingLong(StoredChunk::seq));
        return out;
    }

    @Override
    public List<StoredChunk> chunksAfter(String corpus, long seq, int limit) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return readChunksAfter(corpus, seq, limit);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<StoredChunk> readChunksAfter(String corpus, long seq, int limit) {
        List<StoredChunk> out = new ArrayList<>();
        byte[] prefix = Keys.prefix(corpus);
        // one snapshot for the stream and the chunks it names: a batch written meanwhile is seen whole or not at all
        Snapshot snapshot = db.getSnapshot();
        try (Slice upper = new Slice(Keys.end(prefix));
                ReadOptions read = new ReadOptions().setIterateUpperBound(upper).setSnapshot(snapshot);
                RocksIterator it = db.newIterator(stream, read)) {
            for (it.seek(Keys.stream(corpus, seq + 1)); it.isValid() && out.size() < limit; it.next()) {
                byte[] chunkKey = it.value();
                byte[] value = db.get(chunks, read, chunkKey);
                if (value == null) {
                    throw new StoreException("corpus '" + corpus + "': stream position " + Keys.streamSeq(it.key())
                            + " names a passage that is not stored");
                }
                out.add(StoredChunk.decode(Keys.chunkNames(chunkKey)[1], Keys.chunkIndex(chunkKey), value));
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the corpus store: " + e.getMessage(), e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
        return out;
    }

    @Override
    public Optional<StoredChunk> chunkAt(String corpus, long seq) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            byte[] chunkKey = db.get(stream, Keys.stream(corpus, seq));
            byte[] value = chunkKey == null ? null : db.get(chunks, chunkKey);
            return value == null
                    ? Optional.empty()
                    : Optional.of(StoredChunk.decode(Keys.chunkNames(chunkKey)[1], Keys.chunkIndex(chunkKey), value));
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the corpus store: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public CorpusStats stats(String corpus) {
        long[] counts = storedCounts(corpus);
        return new CorpusStats(counts[0], counts[1], counts[2]);
    }

    @Override
    public Optional<MemoryCursor> memoryCursor(String corpus) {
        byte[] value = get(meta, Keys.cursor(corpus));
        return value == null ? Optional.empty() : Optional.of(MemoryCursor.decode(value));
    }

    @Override
    public List<byte[]> memoryWindows(String corpus, int count) {
        List<ByteArrayOutputStream> windows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            windows.add(new ByteArrayOutputStream());
        }
        scan(memory, Keys.prefix(corpus), (key, value) -> {
            int window = Keys.memoryWindow(key);
            if (window < count) {
                windows.get(window).writeBytes(value);
            }
        });
        return windows.stream().map(ByteArrayOutputStream::toByteArray).toList();
    }

    @Override
    public long staleGeneration(String corpus) {
        byte[] value = get(meta, Keys.staleGeneration(corpus));
        return value == null ? 0 : Keys.longOf(value);
    }

    @Override
    public synchronized void applyMemory(MemoryUpdate update) {
        refuseIfReadOnly();
        String corpus = update.corpus();
        try (WriteBatch write = new WriteBatch()) {
            if (update.replaces()) {
                byte[] prefix = Keys.prefix(corpus);
                write.deleteRange(memory, prefix, Keys.end(prefix));
            }
            for (int w = 0; w < update.windows().size(); w++) {
                byte[] window = update.windows().get(w);
                int rowBytes = window.length / update.layers();
                for (int layer = 0; layer < update.layers(); layer++) {
                    write.put(
                            memory,
                            Keys.memoryRow(corpus, update.firstWindow() + w, layer),
                            Arrays.copyOfRange(window, layer * rowBytes, (layer + 1) * rowBytes));
                }
            }
            write.put(meta, Keys.cursor(corpus), update.cursor().encode());
            for (long seq : update.consumedSeqs()) {
                if (get(stream, Keys.stream(corpus, seq)) == null) {
                    // removed after the memorizer read it: the memory now holds text it must not keep
                    write.put(meta, Keys.staleGeneration(corpus), Keys.longValue(staleGeneration(corpus) + 1));
                    break;
                }
            }
            db.write(syncWrites, write);
        } catch (RocksDBException e) {
            throw new StoreException("cannot write memory of corpus '" + corpus + "': " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<GistCursor> gistCursor(String corpus) {
        byte[] value = get(meta, Keys.gistCursor(corpus));
        return value == null ? Optional.empty() : Optional.of(GistCursor.decode(value));
    }

    @Override
    public List<Gist> groupGists(String corpus) {
        return readGists('g', corpus);
    }

    @Override
    public List<Gist> gistFolds(String corpus) {
        return readGists('f', corpus);
    }

    @Override
    public List<Long> dirtyGroups(String corpus) {
        List<Long> out = new ArrayList<>();
        scan(gists, Keys.gistPrefix('d', corpus), (key, value) -> out.add(Keys.streamSeq(key)));
        return out;
    }

    private List<Gist> readGists(char space, String corpus) {
        List<Gist> out = new ArrayList<>();
        scan(gists, Keys.gistPrefix(space, corpus), (key, value) -> out.add(Gist.decode(Keys.streamSeq(key), value)));
        return out;
    }

    @Override
    public synchronized void applyGists(GistUpdate update) {
        refuseIfReadOnly();
        String corpus = update.corpus();
        try (WriteBatch write = new WriteBatch()) {
            if (update.resets()) {
                for (char space : new char[] {'g', 'f', 'd'}) {
                    byte[] prefix = Keys.gistPrefix(space, corpus);
                    write.deleteRange(gists, prefix, Keys.end(prefix));
                }
            }
            update.removedGroups().forEach(seq -> delete(write, gists, Keys.gist('g', corpus, seq)));
            update.removedFolds().forEach(seq -> delete(write, gists, Keys.gist('f', corpus, seq)));
            update.cleaned().forEach(seq -> delete(write, gists, Keys.gist('d', corpus, seq)));
            for (Gist group : update.groups()) {
                write.put(gists, Keys.gist('g', corpus, group.firstSeq()), group.encode());
            }
            for (Gist fold : update.folds()) {
                write.put(gists, Keys.gist('f', corpus, fold.firstSeq()), fold.encode());
            }
            for (long seq : update.consumedSeqs()) {
                if (get(stream, Keys.stream(corpus, seq)) == null) {
                    // removed after the memorizer read it: the group it went into must be summarized again
                    long first = update.groups().stream()
                            .mapToLong(Gist::firstSeq)
                            .filter(f -> f <= seq)
                            .max()
                            .orElseThrow();
                    write.put(gists, Keys.gist('d', corpus, first), new byte[0]);
                }
            }
            write.put(meta, Keys.gistCursor(corpus), update.cursor().encode());
            db.write(syncWrites, write);
        } catch (RocksDBException e) {
            throw new StoreException("cannot write the gist memory of corpus '" + corpus + "': " + e.getMessage(), e);
        }
    }

    private static void delete(WriteBatch write, ColumnFamilyHandle family, byte[] key) {
        try {
            write.delete(family, key);
        } catch (RocksDBException e) {
            throw new StoreException("cannot stage a delete: " + e.getMessage(), e);
        }
    }

    /** Bytes the memory rows take on disk, after flushing them out of the memtable (for benchmarks and metrics). */
    public long memoryDiskBytes() {
        lifecycle.readLock().lock();
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            checkOpen();
            db.flush(flush, memory);
            return Long.parseLong(db.getProperty(memory, "rocksdb.total-sst-files-size"));
        } catch (RocksDBException e) {
            throw new StoreException("cannot measure the memory rows: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void refuseIfReadOnly() {
        checkOpen();
        if (readOnly) {
            throw new StoreException("this corpus store was opened read-only");
        }
    }

    private interface EntryVisitor {
        void visit(byte[] key, byte[] value);
    }

    private void checkOpen() {
        if (!open) {
            throw new StoreException("the corpus store is closed");
        }
    }

    private void scan(ColumnFamilyHandle family, byte[] prefix, EntryVisitor visitor) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            try (Slice upper = new Slice(Keys.end(prefix));
                    ReadOptions read = new ReadOptions().setIterateUpperBound(upper);
                    RocksIterator it = db.newIterator(family, read)) {
                for (it.seek(prefix); it.isValid(); it.next()) {
                    visitor.visit(it.key(), it.value());
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private byte[] get(ColumnFamilyHandle family, byte[] key) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the corpus store: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes (this object's monitor) and reads in progress (the read lock) finish first; later calls are refused. */
    @Override
    public synchronized void close() {
        lifecycle.writeLock().lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            syncWrites.close();
            cfOptions.close();
            options.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
