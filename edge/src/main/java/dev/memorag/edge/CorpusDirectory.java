package dev.memorag.edge;

import dev.memorag.schemas.Corpus;
import java.util.List;
import java.util.Optional;

/** The registered corpora as an edge sees them (the gateway from its Streams store, the query service from Kafka). */
public interface CorpusDirectory {

    Optional<Corpus> corpus(String id);

    /** Every registered corpus, in id order. */
    List<Corpus> corpora();

    /** The corpus a bearer token belongs to, if any. */
    Optional<Corpus> corpusOfToken(String token);
}
