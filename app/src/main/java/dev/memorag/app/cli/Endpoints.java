package dev.memorag.app.cli;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.schemas.TopicCatalog;

/** Prints where the running stack can be reached. */
final class Endpoints {
    private Endpoints() {
    }

    static void print(EmbeddedStack stack) {
        TopicCatalog topics = stack.config().topics();
        System.out.println("MemoRAG is up (memory backend: none, generator: extractive — no model checkpoint configured)");
        System.out.println("  Kafka bootstrap : " + stack.bootstrapServers());
        System.out.println("  ingest gateway  : " + stack.ingestUrl() + "/v1/corpora (admin token in "
                + stack.config().dataDir().resolve("admin.token") + " unless MEMORAG_ADMIN_TOKEN is set)");
        System.out.println("  documents in    : " + topics.documentsIn() + " (key = corpus id; create the corpus first)");
        System.out.println("  questions in    : " + topics.questions() + " (header reply-to, default "
                + topics.answers() + ")");
        System.out.println("  HTTP ask        : POST " + stack.httpUrl() + "/v1/corpora/{corpus}/ask");
        System.out.println("  health          : GET  " + stack.httpUrl() + "/health");
    }
}
