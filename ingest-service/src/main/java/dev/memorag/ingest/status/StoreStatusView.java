package dev.memorag.ingest.status;

import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers status questions from this instance's key-value stores of the admission application. With several
 * instances each holds the corpora of its partitions: the gateway asks {@link StatusOwners} first and forwards the
 * others.
 */
public final class StoreStatusView implements StatusView {

    /** Finds a store by name: interactive queries in production, the test driver's stores in unit tests. */
    @FunctionalInterface
    public interface StoreLookup {
        <V> ReadOnlyKeyValueStore<String, V> store(String name);
    }

    private final StoreLookup lookup;

    public StoreStatusView(StoreLookup lookup) {
        this.lookup = lookup;
    }

    /** Interactive queries against a running Streams instance. */
    public static StoreStatusView of(KafkaStreams streams) {
        return new StoreStatusView(new StoreLookup() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                try {
                    return streams.store(
                            StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
                } catch (InvalidStateStoreException e) {
                    throw new UnavailableException("ingest state is not queryable yet (" + streams.state() + ")", e);
                }
            }
        });
    }

    @Override
    public Optional<Corpus> corpus(String id) {
        return Optional.ofNullable(lookup.<Corpus>store(StatusStores.CORPORA).get(id));
    }

    @Override
    public List<Corpus> corpora() {
        List<Corpus> out = new ArrayList<>();
        try (KeyValueIterator<String, Corpus> it =
                lookup.<Corpus>store(StatusStores.CORPORA).all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    @Override
    public Optional<Corpus> corpusOfToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String hash = Corpus.tokenHash(token); // once, however many corpora the scan compares it with
        try (KeyValueIterator<String, Corpus> it =
                lookup.<Corpus>store(StatusStores.CORPORA).all()) {
            while (it.hasNext()) {
                Corpus corpus = it.next().value;
                if (corpus.acceptsTokenHash(hash)) {
                    return Optional.of(corpus);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<DocumentStatus> document(String corpus, String doc) {
        return Optional.ofNullable(
                lookup.<DocumentStatus>store(StatusStores.DOCUMENTS).get(StatusStores.documentKey(corpus, doc)));
    }

    @Override
    public List<DocumentStatus> documents(String corpus) {
        List<DocumentStatus> result = new ArrayList<>();
        try (KeyValueIterator<String, DocumentStatus> it = lookup.<DocumentStatus>store(StatusStores.DOCUMENTS)
                .prefixScan(StatusStores.corpusPrefix(corpus), new StringSerializer())) {
            it.forEachRemaining(kv -> result.add(kv.value));
        }
        return result;
    }

    @Override
    public Optional<Progress> progress(String corpus) {
        return Optional.ofNullable(
                lookup.<Progress>store(StatusStores.CORPUS_PROGRESS).get(corpus));
    }

    @Override
    public List<Progress> progress() {
        List<Progress> out = new ArrayList<>();
        try (KeyValueIterator<String, Progress> it =
                lookup.<Progress>store(StatusStores.CORPUS_PROGRESS).all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }
}
