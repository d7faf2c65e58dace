package dev.memorag.ingest.status;

import dev.memorag.edge.CorpusDirectory;
import dev.memorag.schemas.Progress;
import java.util.List;
import java.util.Optional;

/** Read-only questions the gateway asks of the admission application's state: its corpora, and then documents. */
public interface StatusView extends CorpusDirectory {

    Optional<DocumentStatus> document(String corpus, String doc);

    /** Every document of a corpus that admission has seen, in id order. */
    List<DocumentStatus> documents(String corpus);

    /** The latest worker report for a corpus, if any document reached memory yet. */
    Optional<Progress> progress(String corpus);

    /** The latest worker report of every corpus that has one, in corpus order. */
    List<Progress> progress();

    /** The state is not queryable right now (starting, rebalancing); callers answer 503 and retry. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
