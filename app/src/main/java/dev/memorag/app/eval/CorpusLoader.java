package dev.memorag.app.eval;

import dev.memorag.app.client.IngestClient;
import dev.memorag.app.client.ProgressFollower;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Puts an eval context into memory through the ingest gateway, the way any client would (gateway → Kafka →
 * admission → Flink chunk + embed → worker), and waits until the worker has applied it.
 */
final class CorpusLoader {
    /** The one document of an eval corpus: its context. */
    static final String DOC = "context";

    private final IngestClient client;
    private final PrintStream out;

    CorpusLoader(String ingestUrl, String adminToken, PrintStream out) {
        this.client = new IngestClient(ingestUrl, adminToken);
        this.out = out;
    }

    /** Creates the corpus unless it exists, uploads the context unless it is memorized, and waits for memory. */
    void load(String corpus, String context, Duration timeout) throws IOException, InterruptedException {
        IngestClient.Reply created = client.createCorpus(corpus);
        if (!created.ok() && created.status() != 409) {
            throw new IOException("cannot create corpus " + corpus + ": " + created.error());
        }
        IngestClient.Reply current = client.document(corpus, DOC);
        if (current.ok() && current.body().path("stage").asText().equals("memorized")) {
            return;
        }
        IngestClient.Reply put = client.putText(corpus, DOC, context);
        if (!put.ok()) {
            throw new IOException("the gateway refused the context of " + corpus + ": " + put.error());
        }
        out.printf("ingesting %s (%,d chars)%n", corpus, context.length());
        ProgressFollower.Outcome outcome = new ProgressFollower(client, corpus, out).follow(List.of(DOC), timeout);
        if (!outcome.rejected().isEmpty()) {
            throw new IOException("admission rejected the context of " + corpus + ": " + outcome.rejected());
        }
        if (!outcome.settled()) {
            throw new IOException("the context of " + corpus + " was not memorized within " + timeout);
        }
    }
}
