package dev.memorag.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.schemas.Json;
import dev.memorag.settings.SettingsCatalogue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The stack the edge benchmarks run against, and the corpus a query benchmark asks: created through a gateway and
 * filled with one document, waited for. */
final class BenchCorpus {
    private BenchCorpus() {}

    /** The stack of the environment's settings, with edge limits no benchmark reaches. */
    static StackConfig unlimitedStack(Path workDir) {
        return StackConfig.fromEnvironment()
                .isolatedIn(workDir)
                .with(SettingsCatalogue.ANSWER_TIMEOUT, Duration.ofMinutes(5))
                .with(SettingsCatalogue.MAX_IN_FLIGHT_PER_CORPUS, 100_000)
                .with(SettingsCatalogue.QUESTIONS_PER_SECOND, 1e9);
    }

    /** {@link #ingest} through the stack's own gateway. */
    static String create(EmbeddedStack stack, String corpus, String text) throws Exception {
        return ingest(stack.ingestUrl(), stack.adminToken(), corpus, text);
    }

    /** Creates {@code corpus} with {@code text} as its one document; returns its token once it is memorized. */
    static String ingest(String ingestUrl, String adminToken, String corpus, String text) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/corpora"))
                        .header("authorization", "Bearer " + adminToken)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + corpus + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String token = Json.MAPPER.readTree(created.body()).path("token").asText();
        String doc = ingestUrl + "/v1/corpora/" + corpus + "/documents/corpus.txt";
        http.send(
                HttpRequest.newBuilder(URI.create(doc))
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofString(text))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = Json.MAPPER.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(doc))
                                    .header("authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            if ("memorized".equals(status.path("stage").asText())) {
                return token;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the bench corpus was not memorized in 10 minutes");
    }
}
