package dev.memorag.ingest.status;

import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.JsonSerde;
import dev.memorag.schemas.Progress;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Names, keys and serdes of the state stores that the admission application keeps and the gateway queries. */
public final class StatusStores {
    /** Global store: every registered corpus, from the compacted corpora topic. */
    public static final String CORPORA = "corpora";
    /** Per document (key: {@link #documentKey}), partitioned like the corpus-keyed topics. */
    public static final String DOCUMENTS = "document-status";
    /** Latest worker progress report per corpus. */
    public static final String CORPUS_PROGRESS = "corpus-progress";

    public static final Serde<String> KEY_SERDE = Serdes.String();
    public static final Serde<Corpus> CORPUS_SERDE = new JsonSerde<>(Corpus.class);
    public static final Serde<DocumentStatus> STATUS_SERDE = new JsonSerde<>(DocumentStatus.class);
    public static final Serde<Progress> PROGRESS_SERDE = new JsonSerde<>(Progress.class);

    private StatusStores() {}

    /** NUL cannot occur in corpus ids, so a prefix scan on {@code corpus + NUL} lists exactly one corpus. */
    public static String documentKey(String corpus, String doc) {
        return corpusPrefix(corpus) + doc;
    }

    public static String corpusPrefix(String corpus) {
        return corpus + '\u0000';
    }
}
