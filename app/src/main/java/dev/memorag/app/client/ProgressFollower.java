package dev.memorag.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Polls document status until every document is settled, drawing a one-line progress bar. */
public final class ProgressFollower {
    private static final int BAR = 30;

    private final IngestClient client;
    private final String corpus;
    private final PrintStream out;

    public ProgressFollower(IngestClient client, String corpus, PrintStream out) {
        this.client = client;
        this.corpus = corpus;
        this.out = out;
    }

    /** @param settled whether every document reached memory (or was rejected) before the timeout */
    public record Outcome(boolean settled, Map<String, String> rejected) {}

    public Outcome follow(List<String> docs, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> rejected = new LinkedHashMap<>();
        while (true) {
            int admitted = 0;
            int chunked = 0;
            int memorized = 0;
            rejected.clear();
            for (String doc : docs) {
                IngestClient.Reply reply = client.document(corpus, doc);
                JsonNode status = reply.body();
                switch (reply.ok() ? status.path("stage").asText() : "pending") {
                    case "memorized", "deleted" -> memorized++;
                    case "chunked" -> chunked++;
                    case "admitted" -> admitted++;
                    case "rejected" ->
                        rejected.put(
                                doc,
                                status.path("lastRejection").path("code").asText() + ": "
                                        + status.path("lastRejection")
                                                .path("message")
                                                .asText());
                    default -> {}
                }
            }
            int done = memorized + rejected.size();
            int filled = docs.isEmpty() ? BAR : done * BAR / docs.size();
            out.printf(
                    "\r[%s%s] %d/%d memorized · %d chunked · %d admitted · %d rejected ",
                    "#".repeat(filled),
                    ".".repeat(BAR - filled),
                    memorized,
                    docs.size(),
                    chunked,
                    admitted,
                    rejected.size());
            out.flush();
            if (done == docs.size()) {
                out.println();
                return new Outcome(true, new LinkedHashMap<>(rejected));
            }
            if (System.nanoTime() > deadline) {
                out.println("\nstill in progress after " + timeout + "; check GET /v1/corpora/" + corpus + "/status");
                return new Outcome(false, new LinkedHashMap<>(rejected));
            }
            Thread.sleep(500);
        }
    }
}
