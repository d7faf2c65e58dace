package dev.memorag.ingest.admission;

import dev.memorag.ingest.status.ChunkTracker;
import dev.memorag.ingest.status.CorpusAudit;
import dev.memorag.ingest.status.CorpusRegistryUpdater;
import dev.memorag.ingest.status.ProgressTracker;
import dev.memorag.ingest.status.StatusStores;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.JsonSerde;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.schemas.TopicCatalog;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * {@code documents.in} → admission → {@code documents} | {@code dlq}, plus the document status table.
 *
 * <p>Raw bytes in, so that nothing a producer sends can crash the stream: every record is either admitted,
 * recognised as a no-op re-send, or dead-lettered with its reason. The status of each document is advanced by the
 * same sub-topology from three co-partitioned inputs (documents.in, chunks, progress), all keyed by corpus, so one
 * task owns every status of a corpus. Registered corpora come from a global store of the corpora topic.
 */
public final class AdmissionTopology {
    static final String SOURCE = "documents-in";
    static final String PROCESSOR = "admit";
    static final String ADMITTED_SINK = "admitted";
    static final String DEAD_LETTER_SINK = "dead-letters";
    static final String VERSIONS_STORE = "document-versions";

    private AdmissionTopology() {
    }

    public static Topology build(TopicCatalog topics, AdmissionConfig config, Clock clock) {
        RecordValidator validator = new RecordValidator();
        Topology topology = new Topology();

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StatusStores.CORPORA),
                        StatusStores.KEY_SERDE, StatusStores.CORPUS_SERDE).withLoggingDisabled(),
                "corpora", new StringDeserializer(), JsonSerde.validating(RecordType.CORPUS), topics.corpora(),
                "register-corpora", CorpusRegistryUpdater::new);

        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.documentsIn());
        topology.addProcessor(PROCESSOR, () -> new AdmissionProcessor(validator, config, clock), SOURCE);
        topology.addSource("chunks", new StringDeserializer(), new ByteArrayDeserializer(), topics.chunks());
        topology.addProcessor("track-chunks", () -> new ChunkTracker(clock), "chunks");
        topology.addSource("progress", new StringDeserializer(),
                JsonSerde.validating(RecordType.PROGRESS).deserializer(), topics.progress());
        topology.addProcessor("track-progress", () -> new ProgressTracker(clock), "progress");

        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERSIONS_STORE),
                Serdes.String(), new JsonSerde<>(DocumentVersion.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StatusStores.DOCUMENTS),
                StatusStores.KEY_SERDE, StatusStores.STATUS_SERDE), PROCESSOR, "track-chunks", "track-progress");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                StatusStores.CORPUS_PROGRESS), StatusStores.KEY_SERDE, StatusStores.PROGRESS_SERDE), "track-progress");

        topology.addSink(ADMITTED_SINK, topics.documents(), new StringSerializer(),
                new JsonSerde<>(AdmittedDocument.class), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                PROCESSOR);
        return topology;
    }

    /**
     * {@code corpora} → audit → {@code dlq}: the global store that admission reads corpora into cannot dead-letter
     * (a topic may feed a global store or a task, not both), so a second application reads the registry once more
     * and dead-letters what the global store skipped.
     */
    public static Topology registryAudit(TopicCatalog topics) {
        RecordValidator validator = new RecordValidator();
        Topology topology = new Topology();
        topology.addSource("corpora", new StringDeserializer(), new ByteArrayDeserializer(), topics.corpora());
        topology.addProcessor("audit-corpora", () -> new CorpusAudit(validator), "corpora");
        return topology;
    }
}
