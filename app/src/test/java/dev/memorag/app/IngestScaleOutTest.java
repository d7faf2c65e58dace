package dev.memorag.app;

import static dev.memorag.app.ChildProcesses.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingest instances as separate processes around a broker process, one Kafka Streams application: each owns
 * some of the corpus partitions and their document status. One corpus per partition gets a document through one
 * instance; its status, its document list and its corpus status are then asked of both, and both give the same
 * answer: the owner from its stores, the other by forwarding to the owner (the answer says which instance answered).
 * A delete sent to either instance is carried out, and both then report it. Concurrent creates of one corpus id on
 * both instances leave exactly one winner, whose token is the one that works on either instance.
 */
class IngestScaleOutTest {
    private static final String ADMIN = "ingest-scale-out-admin-token-0123";
    private static final int PARTITIONS = TopicCatalog.DEFAULT_PARTITIONS;
    private static final String ANSWERED_BY = "x-memorag-answered-by";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void eitherInstanceServesEveryDocumentStatus() throws Exception {
        int kafka = freePort();
        String bootstrap = "127.0.0.1:" + kafka;
        Process broker = start("broker", "broker", "--kafka-port", Integer.toString(kafka));
        int portA = freePort();
        int portB = freePort();
        Process a = start(
                "ingest-a",
                "ingest-service",
                "--bootstrap-servers",
                bootstrap,
                "--ingest-port",
                Integer.toString(portA),
                "--advertised-host",
                "127.0.0.1");
        Process b = start(
                "ingest-b",
                "ingest-service",
                "--bootstrap-servers",
                bootstrap,
                "--ingest-port",
                Integer.toString(portB),
                "--advertised-host",
                "127.0.0.1");
        List<String> gateways = List.of("http://127.0.0.1:" + portA, "http://127.0.0.1:" + portB);

        createsRacingOnBothInstancesLeaveOneWinner(gateways);

        Map<String, Integer> corpora = onePerPartition();
        // created on one instance and used at once on the other, as behind a load balancer: the other waits until
        // its corpora store has the new corpus instead of answering 404 (admin token) or 401 (the new corpus's token)
        for (String corpus : corpora.keySet()) {
            HttpResponse<String> created = send("POST", gateways.get(0) + "/v1/corpora", "{\"id\":\"" + corpus + "\"}");
            assertEquals(201, created.statusCode());
            assertEquals(
                    202,
                    send(
                                    "PUT",
                                    gateways.get(1) + "/v1/corpora/" + corpus + "/documents/notes.txt",
                                    "Notes of corpus " + corpus + ".")
                            .statusCode());
        }
        String token = Json.MAPPER
                .readTree(send("POST", gateways.get(0) + "/v1/corpora", "{\"id\":\"fresh\"}")
                        .body())
                .path("token")
                .asText();
        HttpResponse<String> listed = http.send(
                request("GET", gateways.get(1) + "/v1/corpora", null, token), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals(
                "fresh",
                Json.MAPPER
                        .readTree(listed.body())
                        .path("corpora")
                        .path(0)
                        .path("id")
                        .asText());

        // each corpus is answered by its owner on both instances: once from the stores, once forwarded to them
        Map<String, Integer> forwardedTo = new HashMap<>();
        for (String corpus : corpora.keySet()) {
            String doc = "/v1/corpora/" + corpus + "/documents/notes.txt";
            List<HttpResponse<String>> answers =
                    askBoth(gateways, doc, body -> body.path("version").asLong() == 1);
            assertEquals(
                    Json.MAPPER.readTree(answers.get(0).body()),
                    Json.MAPPER.readTree(answers.get(1).body()),
                    corpus + ": the two instances disagree on the document status");
            String owner = answeredBy(answers, gateways);
            forwardedTo.merge(owner, 1, Integer::sum);
            for (String route : List.of("/v1/corpora/" + corpus + "/documents", "/v1/corpora/" + corpus + "/status")) {
                List<HttpResponse<String>> both = askBoth(gateways, route, body -> true);
                assertEquals(
                        Json.MAPPER.readTree(both.get(0).body()),
                        Json.MAPPER.readTree(both.get(1).body()),
                        corpus + ": the two instances disagree on " + route);
                assertEquals(owner, answeredBy(both, gateways), route + " answered by another owner");
            }
        }
        System.out.println(
                "IngestScaleOutTest: corpora per owning instance " + forwardedTo + " (partitions " + corpora + ")");
        assertEquals(
                corpora.size(),
                forwardedTo.values().stream().mapToInt(Integer::intValue).sum());

        // a delete through either instance is carried out and reported by both
        int i = 0;
        for (String corpus : corpora.keySet()) {
            String doc = "/v1/corpora/" + corpus + "/documents/notes.txt";
            assertEquals(
                    202,
                    send("DELETE", gateways.get(i++ % 2) + doc, null).statusCode(),
                    "delete of " + corpus + " refused");
            List<HttpResponse<String>> answers = askBoth(
                    gateways, doc, body -> "delete".equals(body.path("op").asText()));
            assertEquals(
                    Json.MAPPER.readTree(answers.get(0).body()),
                    Json.MAPPER.readTree(answers.get(1).body()));
        }

        for (Process process : List.of(a, b, broker)) {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "a process did not stop within 60 s of SIGTERM");
            assertEquals(0, process.exitValue());
        }
    }

    /**
     * Three creates of one id on each instance at once, for a few ids: one 201, five 409 CORPUS_EXISTS (a refusal
     * carries no token). The token of the winner, and so of the registration both instances hold, writes to the
     * corpus through either instance.
     */
    private void createsRacingOnBothInstancesLeaveOneWinner(List<String> gateways) throws Exception {
        for (int n = 0; n < 3; n++) {
            String corpus = "race-" + n;
            List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                creates.add(http.sendAsync(
                        request("POST", gateways.get(i % 2) + "/v1/corpora", "{\"id\":\"" + corpus + "\"}", ADMIN),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<String> winners = new ArrayList<>();
            List<String> losers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> create : creates) {
                HttpResponse<String> response = create.get(2, TimeUnit.MINUTES);
                JsonNode body = Json.MAPPER.readTree(response.body());
                if (response.statusCode() == 201) {
                    winners.add(body.path("token").asText());
                } else {
                    assertEquals(409, response.statusCode(), response.body());
                    assertEquals(
                            "CORPUS_EXISTS", body.path("error").path("code").asText(), response.body());
                    losers.add(response.body());
                }
            }
            assertEquals(1, winners.size(), corpus + ": " + winners.size() + " creates won, refusals " + losers);
            for (String gateway : gateways) {
                String doc = gateway + "/v1/corpora/" + corpus + "/documents/winner.txt";
                assertEquals(
                        202,
                        retryUnavailable(() -> http.send(
                                        request("PUT", doc, "The winner wrote this.", winners.get(0)),
                                        HttpResponse.BodyHandlers.ofString()))
                                .statusCode(),
                        "the winner's token is refused by " + gateway);
            }
        }
    }

    /** Sends until the answer is not a 503 (an instance rebalancing right after start), for up to a minute. */
    private static HttpResponse<String> retryUnavailable(Callable<HttpResponse<String>> send) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        HttpResponse<String> response = send.call();
        while (response.statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            response = send.call();
        }
        return response;
    }

    /** The owner's address: the instance that answered without forwarding is named by the other's answer. */
    private static String answeredBy(List<HttpResponse<String>> answers, List<String> gateways) {
        String viaA = answers.get(0).headers().firstValue(ANSWERED_BY).orElse(null);
        String viaB = answers.get(1).headers().firstValue(ANSWERED_BY).orElse(null);
        assertTrue(viaA == null ^ viaB == null, "exactly one instance should forward: " + viaA + " / " + viaB);
        String owner = viaA != null ? viaA : viaB;
        String expected = (viaA != null ? gateways.get(1) : gateways.get(0)).replace("http://", "");
        assertEquals(expected, owner, "forwarded to an instance other than the one that answers from its stores");
        return owner;
    }

    /** Asks both instances until both answer 200 with a body {@code ready} accepts (admission is asynchronous). */
    private List<HttpResponse<String>> askBoth(List<String> gateways, String route, Predicate<JsonNode> ready)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<HttpResponse<String>> answers = new ArrayList<>();
        while (true) {
            answers.clear();
            for (String gateway : gateways) {
                answers.add(send("GET", gateway + route, null));
            }
            boolean done = answers.stream().allMatch(r -> {
                try {
                    return r.statusCode() == 200 && ready.test(Json.MAPPER.readTree(r.body()));
                } catch (Exception e) {
                    return false;
                }
            });
            if (done) {
                return List.copyOf(answers);
            }
            for (HttpResponse<String> r : answers) {
                // not admitted yet (404) or a rebalance in progress (503, retryable): anything else is wrong
                assertTrue(
                        r.statusCode() == 200 || r.statusCode() == 404 || r.statusCode() == 503,
                        route + ": " + r.statusCode() + " " + r.body());
                if (r.statusCode() == 503) {
                    assertTrue(r.headers().firstValue("retry-after").isPresent(), "a 503 without retry-after");
                }
            }
            List<HttpResponse<String>> last = List.copyOf(answers);
            assertTrue(
                    System.nanoTime() < deadline,
                    () -> route + " not answered by both: "
                            + last.stream()
                                    .map(r -> r.statusCode() + " " + r.body())
                                    .toList());
            Thread.sleep(200);
        }
    }

    /** A corpus id for every partition of the corpus-keyed topics, so that both instances own some. */
    private static Map<String, Integer> onePerPartition() {
        Map<Integer, String> byPartition = new TreeMap<>();
        for (int n = 0; byPartition.size() < PARTITIONS; n++) {
            String corpus = "corpus-" + n;
            byPartition.putIfAbsent(
                    Utils.toPositive(Utils.murmur2(corpus.getBytes(StandardCharsets.UTF_8))) % PARTITIONS, corpus);
        }
        Map<String, Integer> corpora = new LinkedHashMap<>();
        byPartition.forEach((partition, corpus) -> corpora.put(corpus, partition));
        return corpora;
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        return http.send(request(method, url, body, ADMIN), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String method, String url, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", body.startsWith("{") ? "application/json" : "text/plain");
        }
        return request.build();
    }

    private Process start(String name, String command, String... options) throws Exception {
        Process process = ChildProcesses.memorag(
                dir, name, name, Map.of("MEMORAG_ADMIN_TOKEN", ADMIN, "MEMORAG_HEALTH_PORT", "0"), command, options);
        processes.add(process);
        return process;
    }
}
