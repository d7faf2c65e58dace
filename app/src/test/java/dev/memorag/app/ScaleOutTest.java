package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts as separate processes on this machine: a broker, the ingest part, two workers and the query service,
 * each its own JVM. Two corpora are ingested and answered; one worker is killed with SIGKILL and its corpora move
 * to the other, which rebuilds them from the retained chunks topic; the killed worker comes back and takes its share
 * of the partitions again.
 */
class ScaleOutTest {
    private static final String ADMIN = "scale-out-admin-token-0123456789";
    private static final Map<String, String> PHRASES = Map.of(
            "north", "The lighthouse keeper on the northern cape painted the lamp room cobalt blue every spring.",
            "south", "In the southern orchard the beekeeper counted exactly forty-two hives beside the old mill.");

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void corporaSurviveTheLossOfAWorkerAndItsReturn() throws Exception {
        int kafka = freePort();
        int ingest = freePort();
        int query = freePort();
        String bootstrap = "127.0.0.1:" + kafka;
        start("broker", "--parts", "broker", "--kafka-port", Integer.toString(kafka));
        start("ingest", "--parts", "ingest", "--bootstrap-servers", bootstrap, "--ingest-port",
                Integer.toString(ingest));
        Process workerA = start("worker-a", "--parts", "worker", "--bootstrap-servers", bootstrap);
        start("worker-b", "--parts", "worker", "--bootstrap-servers", bootstrap);
        start("query", "--parts", "query", "--bootstrap-servers", bootstrap, "--http-port", Integer.toString(query));

        String ingestUrl = "http://127.0.0.1:" + ingest;
        String queryUrl = "http://127.0.0.1:" + query;
        for (Map.Entry<String, String> corpus : PHRASES.entrySet()) {
            assertEquals(201, send(request(ingestUrl + "/v1/corpora").POST(
                    HttpRequest.BodyPublishers.ofString("{\"id\":\"" + corpus.getKey() + "\"}"))).statusCode());
            assertEquals(202, send(request(ingestUrl + "/v1/corpora/" + corpus.getKey() + "/documents/notes.txt")
                    .header("content-type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString(corpus.getValue()))).statusCode());
        }
        for (String corpus : PHRASES.keySet()) {
            awaitAnswer(queryUrl, corpus, Duration.ofMinutes(3));
        }

        workerA.destroyForcibly().waitFor();
        for (String corpus : PHRASES.keySet()) {
            awaitAnswer(queryUrl, corpus, Duration.ofMinutes(3)); // after the rebalance and, where needed, a rebuild
        }

        Process back = start("worker-a", "--parts", "worker", "--bootstrap-servers", bootstrap);
        // without static membership the returning worker may get other partitions than before: it resumes those it
        // has state for and rebuilds the others; either way it must take its share and every corpus must answer
        awaitLog("worker-a", "assigned memorag.chunks-", Duration.ofMinutes(4));
        for (String corpus : PHRASES.keySet()) {
            awaitAnswer(queryUrl, corpus, Duration.ofMinutes(3));
        }
        assertTrue(back.isAlive());
    }

    /** Starts {@code memorag up} with the given options in its own JVM, logging to a file; waits until it is up. */
    private Process start(String name, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx768m", "@" + Path.of("..", "bin", "jvm.options").toAbsolutePath(),
                "-Dorg.slf4j.simpleLogger.log.dev.memorag=info",
                "-cp", System.getProperty("java.class.path"), "dev.memorag.app.cli.MemoragCli", "up",
                "--data-dir", dir.resolve(name).toString()));
        command.addAll(List.of(options));
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MEMORAG_ADMIN_TOKEN", ADMIN);
        Process process = builder.start();
        processes.add(process);
        awaitLog(name, "MemoRAG is up", Duration.ofMinutes(3));
        return process;
    }

    private void awaitLog(String name, String line, Duration timeout) throws Exception {
        Path log = dir.resolve(name + ".log");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(log) || !Files.readString(log).contains(line)) {
            assertTrue(System.nanoTime() < deadline, () -> name + " did not log '" + line + "': " + tail(log));
            Thread.sleep(250);
        }
    }

    /** Asks until the answer's evidence holds the corpus's phrase (errors and stale answers are retried). */
    private void awaitAnswer(String queryUrl, String corpus, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(request(queryUrl + "/v1/corpora/" + corpus + "/ask")
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"What did they do?\"}")));
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                JsonNode evidence = Json.MAPPER.readTree(r.body()).path("evidence");
                if (evidence.toString().contains(PHRASES.get(corpus).substring(0, 40))) {
                    return;
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no answer from " + corpus + " in " + timeout + "; last: " + last);
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("authorization", "Bearer " + ADMIN)
                .timeout(Duration.ofSeconds(90));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
