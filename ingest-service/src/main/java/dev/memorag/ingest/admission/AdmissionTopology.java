package dev.memorag.ingest.admission;

import dev.memorag.ingest.status.ChunkTracker;
import dev.memorag.ingest.status.CorpusAudit;
import dev.memorag.ingest.status.CorpusClaims;
import dev.memorag.ingest.status.CorpusCreation;
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
    static final String CREATE_PROCESSOR = "create-corpora";

    private AdmissionTopology() {}

    public static Topology build(TopicCatalog topics, AdmissionConfig config, Clock clock) {
        RecordValidator validator = new RecordValidator();
        Topology topology = new Topology();

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StatusStores.CORPORA),
                                StatusStores.KEY_SERDE,
                                StatusStores.CORPUS_SERDE)
                        .withLoggingDisabled(),
                "corpora",
                new StringDeserializer(),
                JsonSerde.validating(RecordType.CORPUS),
                topics.corpora(),
                "register-corpora",
                CorpusRegistryUpdater::new);

        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.documentsIn());
        topology.addProcessor(PROCESSOR, () -> new AdmissionProcessor(validator, config, clock), SOURCE);
        topology.addSource("chunks", new StringDeserializer(), new ByteArrayDeserializer(), topics.chunks());
        topology.addProcessor("track-chunks", () -> new ChunkTracker(clock), "chunks");
        topology.addSource(
                "progress",
                new StringDeserializer(),
                JsonSerde.validating(RecordType.PROGRESS).deserializer(),
                topics.progress());
        topology.addProcessor("track-progress", () -> new ProgressTracker(clock), "progress");

        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(VERSIONS_STORE),
                        Serdes.String(),
                        new JsonSerde<>(DocumentVersion.class)),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StatusStores.DOCUMENTS),
                        StatusStores.KEY_SERDE,
                        StatusStores.STATUS_SERDE),
                PROCESSOR,
                "track-chunks",
                "track-progress");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StatusStores.CORPUS_PROGRESS),
                        StatusStores.KEY_SERDE,
                        StatusStores.PROGRESS_SERDE),
                "track-progress");

        topology.addSink(
                ADMITTED_SINK,
                topics.documents(),
                new StringSerializer(),
                new JsonSerde<>(AdmittedDocument.class),
                PROCESSOR);
        topology.addSink(
                DEAD_LETTER_SINK,
                topics.deadLetters(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                PROCESSOR);
        return topology;
    }

    /**
     * The registry application, beside admission because a topic may feed a global store or a task, not both.
     * {@code corpora} → audit → {@code dlq}: it dead-letters what admission's global store skipped, and records every
     * registration as a claim on its id. {@code corpus-requests} → create → {@code corpora} | {@code dlq}: the first
     * creation of an unclaimed id is registered, later ones are refused. Both topics have one partition, so one task
     * holds every claim.
     */
    public static Topology registry(TopicCatalog topics) {
        RecordValidator validator = new RecordValidator();
        Topology topology = new Topology();
        topology.addSource("corpora", new StringDeserializer(), new ByteArrayDeserializer(), topics.corpora());
        topology.addProcessor("audit-corpora", () -> new CorpusAudit(validator), "corpora");
        topology.addSource(
                "corpus-requests", new StringDeserializer(), new ByteArrayDeserializer(), topics.corpusRequests());
        topology.addProcessor(CREATE_PROCESSOR, () -> new CorpusCreation(validator), "corpus-requests");
        topology.addStateStore(CorpusClaims.store(), "audit-corpora", CREATE_PROCESSOR);
        topology.addSink(
                "registrations", topics.corpora(), new StringSerializer(), new ByteArraySerializer(), CREATE_PROCESSOR);
        return topology;
    }
}
