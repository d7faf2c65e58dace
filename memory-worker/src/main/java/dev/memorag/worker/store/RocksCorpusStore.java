package dev.memorag.worker.store;

import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The worker's one RocksDB instance. Owns every native handle and closes them in reverse order of creation.
 * Column families: {@code meta} (applied offsets, per-corpus sequence counters), {@code chunks}, {@code documents},
 * {@code memory} (beacon KV rows per layer and window).
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

    public RocksCorpusStore(Path dir) {
        try {
            Files.createDirectories(dir);
            options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
            cfOptions = new ColumnFamilyOptions();
            // fsync each applied batch: it carries the Kafka offsets, so losing it on power loss would be silent loss
            syncWrites = new WriteOptions().setSync(true);
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                    new ColumnFamilyDescriptor(bytes("meta"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("chunks"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("documents"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("memory"), cfOptions));
            db = RocksDB.open(options, dir.toString(), families, handles);
            meta = handles.get(1);
            chunks = handles.get(2);
            documents = handles.get(3);
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
    public void apply(AppliedBatch batch) {
        Map<String, DocumentState> docStates = new HashMap<>();
        Map<String, Long> sequences = new HashMap<>();
        try (WriteBatch write = new WriteBatch()) {
            for (Chunk chunk : batch.chunks()) {
                byte[] docKey = Keys.document(chunk.corpus(), chunk.doc());
                String docId = new String(docKey, StandardCharsets.UTF_8);
                DocumentState current = docStates.computeIfAbsent(docId, k -> {
                    byte[] stored = get(documents, docKey);
                    return stored == null ? null : DocumentState.decode(stored);
                });
                if (current != null && chunk.version() < current.version()) {
                    continue; // a late chunk of a superseded version
                }
                if (current == null || chunk.version() > current.version()) {
                    byte[] prefix = Keys.prefix(chunk.corpus(), chunk.doc());
                    write.deleteRange(chunks, prefix, Keys.end(prefix));
                    current = new DocumentState(chunk.version(), chunk.op() == Op.DELETE);
                    docStates.put(docId, current);
                    write.put(documents, docKey, current.encode());
                }
                if (chunk.op() == Op.UPSERT) {
                    long seq = sequences.compute(chunk.corpus(), (c, s) -> s != null ? s + 1 : nextSequence(c));
                    StoredChunk stored = new StoredChunk(chunk.doc(), chunk.version(), chunk.index(), seq,
                            chunk.tokenCount(), chunk.text(), chunk.vector());
                    write.put(chunks, Keys.chunk(chunk.corpus(), chunk.doc(), chunk.index()), stored.encodeValue());
                }
            }
            for (Map.Entry<String, Long> seq : sequences.entrySet()) {
                write.put(meta, Keys.sequence(seq.getKey()), Keys.longValue(seq.getValue() + 1));
            }
            for (Map.Entry<TopicPartition, Long> offset : batch.nextOffsets().entrySet()) {
                write.put(meta, Keys.offset(offset.getKey()), Keys.longValue(offset.getValue()));
            }
            db.write(syncWrites, write);
        } catch (RocksDBException e) {
            throw new StoreException("cannot apply a batch of " + batch.chunks().size() + " chunks: "
                    + e.getMessage(), e);
        }
    }

    private long nextSequence(String corpus) {
        byte[] value = get(meta, Keys.sequence(corpus));
        return value == null ? 0 : Keys.longOf(value);
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
    public CorpusStats stats(String corpus) {
        Set<String> docs = new HashSet<>();
        long[] chunkCount = {0};
        long[] tokens = {0};
        for (StoredChunk chunk : chunks(corpus)) {
            docs.add(chunk.doc());
            chunkCount[0]++;
            tokens[0] += chunk.tokenCount();
        }
        return new CorpusStats(docs.size(), chunkCount[0], tokens[0]);
    }

    private interface EntryVisitor {
        void visit(byte[] key, byte[] value);
    }

    private void scan(ColumnFamilyHandle family, byte[] prefix, EntryVisitor visitor) {
        try (Slice upper = new Slice(Keys.end(prefix));
             ReadOptions read = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(family, read)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                visitor.visit(it.key(), it.value());
            }
        }
    }

    private byte[] get(ColumnFamilyHandle family, byte[] key) {
        try {
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the corpus store: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        syncWrites.close();
        cfOptions.close();
        options.close();
    }
}
