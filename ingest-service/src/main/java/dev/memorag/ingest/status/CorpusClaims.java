package dev.memorag.ingest.status;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The registry application's store of corpus ids that are taken: id → token hash of the registration that holds it.
 * It holds every registration on the corpora topic and every creation accepted but not yet read back from it, so a
 * creation is decided against both.
 */
public final class CorpusClaims {
    public static final String STORE = "corpus-claims";

    private CorpusClaims() {}

    public static StoreBuilder<KeyValueStore<String, String>> store() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String());
    }
}
