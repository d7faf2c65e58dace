package dev.memorag.app.cli;

import dev.memorag.app.Deployment;
import dev.memorag.app.EmbeddedStack;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Part;
import dev.memorag.worker.memory.MemoryWatermarks;
import dev.memorag.worker.recall.RecallService;
import java.util.Locale;

/** Prints where the running stack can be reached. */
final class Endpoints {
    private Endpoints() {}

    static void print(EmbeddedStack stack) {
        TopicCatalog topics = stack.config().topics();
        Deployment deployment = stack.deployment();
        System.out.println("MemoRAG is up: " + deployment.parts().toString().toLowerCase(Locale.ROOT) + worker(stack));
        System.out.println("  Kafka bootstrap : " + stack.bootstrapServers());
        if (deployment.runs(Part.INGEST)) {
            System.out.println("  ingest gateway  : " + stack.ingestUrl() + "/v1/corpora (admin token in "
                    + stack.config().dataDir().resolve("admin.token") + " unless MEMORAG_ADMIN_TOKEN is set)");
        }
        System.out.println(
                "  documents in    : " + topics.documentsIn() + " (key = corpus id; create the corpus first)");
        System.out.println("  questions in    : " + topics.questions() + " (headers authorization: Bearer <corpus "
                + "token>, reply-to: an existing topic matching MEMORAG_REPLY_TOPICS, default " + topics.answers()
                + ")");
        if (deployment.runs(Part.QUERY)) {
            System.out.println("  HTTP ask        : POST " + stack.httpUrl() + "/v1/corpora/{corpus}/ask");
            System.out.println("  web console     : " + stack.httpUrl() + "/console/");
            System.out.println("  health          : GET  " + stack.httpUrl() + "/health, /ready, /metrics");
        } else if (!deployment.runs(Part.INGEST)) {
            System.out.println("  health          : GET  " + stack.healthUrl() + "/health, /ready, /metrics");
        }
    }

    /** What this process's worker runs, said plainly where no checkpoint is configured. */
    private static String worker(EmbeddedStack stack) {
        if (!stack.deployment().runs(Part.WORKER)) {
            return "";
        }
        RecallService recall = stack.recall();
        String backend = recall.memoryBackend();
        return " (memory backend: " + backend
                + (backend.equals(MemoryWatermarks.NONE)
                        ? " — no model checkpoint configured, the question is the only clue"
                        : "")
                + ", generator: " + recall.generatorName() + ")";
    }
}
