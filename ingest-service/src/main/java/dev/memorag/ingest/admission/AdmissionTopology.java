package dev.memorag.ingest.admission;

import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.JsonSerde;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.schemas.TopicCatalog;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * {@code documents.in} → admission → {@code documents} | {@code dlq}. Raw bytes in, so that nothing a producer
 * sends can crash the stream: every record is either admitted, recognised as a no-op re-send, or dead-lettered with
 * its reason.
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
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.documentsIn());
        topology.addProcessor(PROCESSOR, () -> new AdmissionProcessor(validator, config, clock), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERSIONS_STORE),
                Serdes.String(), new JsonSerde<>(DocumentVersion.class)), PROCESSOR);
        topology.addSink(ADMITTED_SINK, topics.documents(), new StringSerializer(),
                new JsonSerde<>(AdmittedDocument.class), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                PROCESSOR);
        return topology;
    }
}
