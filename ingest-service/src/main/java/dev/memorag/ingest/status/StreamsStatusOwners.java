package dev.memorag.ingest.status;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The Kafka Streams interactive-query pattern: {@link KafkaStreams#queryMetadataForKey} finds the instance whose
 * active task holds a corpus's partition of {@link StatusStores#DOCUMENTS} (the corpus progress store is
 * co-partitioned), identified by the {@code application.server} each instance advertises. Standbys are not asked:
 * their copy may lag the active one, and a status that goes backwards would confuse clients more than a retry.
 */
public final class StreamsStatusOwners implements StatusOwners {
    private final KafkaStreams streams;
    private final HostInfo self;

    /** {@code self}: the {@code application.server} this instance's Streams application was started with. */
    public StreamsStatusOwners(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Owner ownerOf(String corpus) {
        KafkaStreams.State state = streams.state();
        if (!state.isRunningOrRebalancing()) {
            return new Unknown("ingest state is not queryable (" + state + ")");
        }
        KeyQueryMetadata metadata =
                streams.queryMetadataForKey(StatusStores.DOCUMENTS, corpus, StatusStores.KEY_SERDE.serializer());
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return new Unknown("the owner of corpus '" + corpus + "' is not known yet (" + state + ")");
        }
        HostInfo active = metadata.activeHost();
        return active.equals(self) ? new Local() : new Remote(active.host(), active.port());
    }
}
