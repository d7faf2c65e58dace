package dev.memorag.app;

import static dev.memorag.app.ChildProcesses.freePort;
import static dev.memorag.app.ChildProcesses.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts as separate processes on this machine, started through the per-service commands: a broker, the ingest
 * part, two workers with static group membership and the query service, each its own JVM. Two corpora (one per
 * worker) are ingested and answered. One worker is stopped with SIGTERM: it exits 0 promptly and, restarted under the
 * same instance id within the session timeout, gets the same partitions back without a rebalance (the other worker's
 * assignment never changes) and resumes them from its RocksDB state. Then it is killed with SIGKILL: after the session
 * timeout its corpora move to the other worker, which rebuilds them from the retained chunks topic; it comes back and
 * again takes its own partitions, resuming from its stored offsets. At the end every process stops on SIGTERM with
 * exit status 0.
 */
class ScaleOutTest {
    private static final String ADMIN = "scale-out-admin-token-0123456789";
    private static final int PARTITIONS = TopicCatalog.DEFAULT_PARTITIONS;
    // two corpora whose keys hash to partitions 2 and 1: with range assignment over instance ids worker-a < worker-b,
    // each worker owns one of them
    private static final Map<String, String> PHRASES = Map.of(
            "north", "The lighthouse keeper on the northern cape painted the lamp room cobalt blue every spring.",
            "west", "In the western orchard the beekeeper counted exactly forty-two hives beside the old mill.");
    /** Longer than a worker's restart here (~13 s), so that a restart keeps its partitions. */
    private static final String SESSION_TIMEOUT = "PT30S";

    private static final Pattern OWNS = Pattern.compile("owns chunk partitions \\[([0-9, ]*)]");

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
        Process broker = start("broker", "broker", "broker", "--kafka-port", Integer.toString(kafka));
        Process ingestPart = start(
                "ingest",
                "ingest",
                "up",
                "--parts",
                "ingest,chunker",
                "--bootstrap-servers",
                bootstrap,
                "--ingest-port",
                Integer.toString(ingest));
        Process workerA = start(
                "worker-a", "worker-a-1", "worker", "--bootstrap-servers", bootstrap, "--instance-id", "worker-a");
        Process workerB =
                start("worker-b", "worker-b", "worker", "--bootstrap-servers", bootstrap, "--instance-id", "worker-b");
        Process queryPart = start(
                "query",
                "query",
                "query-service",
                "--bootstrap-servers",
                bootstrap,
                "--http-port",
                Integer.toString(query));

        String ingestUrl = "http://127.0.0.1:" + ingest;
        String queryUrl = "http://127.0.0.1:" + query;
        for (Map.Entry<String, String> corpus : PHRASES.entrySet()) {
            assertEquals(
                    201,
                    send(request(ingestUrl + "/v1/corpora")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + corpus.getKey() + "\"}")))
                            .statusCode());
            assertEquals(
                    202,
                    send(request(ingestUrl + "/v1/corpora/" + corpus.getKey() + "/documents/notes.txt")
                                    .header("content-type", "text/plain")
                                    .PUT(HttpRequest.BodyPublishers.ofString(corpus.getValue())))
                            .statusCode());
        }
        for (String corpus : PHRASES.keySet()) {
            awaitAnswer(queryUrl, corpus, Duration.ofMinutes(3));
        }
        Set<Integer> ownedByA = awaitSplit("worker-a-1", "worker-b");
        Set<Integer> corporaOfA = new TreeSet<>(corpusPartitions());
        corporaOfA.retainAll(ownedByA);
        assertFalse(corporaOfA.isEmpty(), "worker-a should own a corpus; it owns " + ownedByA);

        // SIGTERM: a clean stop, and a restart under the same instance id gets the same partitions and their state,
        // with no rebalance: worker-b's assignment never changes
        int rebalancesOfB = count("worker-b", OWNS);
        long stopping = System.nanoTime();
        assertStopsCleanly("worker-a-1", workerA);
        assertTrue(Files.readString(dir.resolve("worker-a-1.log")).contains("memory worker closed"));
        report("SIGTERM to exit", stopping);
        long restarting = System.nanoTime();
        workerA = start(
                "worker-a", "worker-a-2", "worker", "--bootstrap-servers", bootstrap, "--instance-id", "worker-a");
        assertEquals(ownedByA, awaitOwned("worker-a-2", ownedByA));
        report("restart to owning its partitions again", restarting);
        assertResumes("worker-a-2", corporaOfA);
        for (String corpus : PHRASES.keySet()) {
            awaitAnswer(queryUrl, corpus, Duration.ofMinutes(3));
        }
        assertEquals(rebalancesOfB, count("worker-b", OWNS), "worker-b saw a rebalance during worker-a's restart");

        // SIGKILL: after the session timeout worker-b takes worker-a's corpora and rebuilds them from the chunks topic
        long killed = System.nanoTime();
        workerA.destroyForcibly().waitFor();
        for (String corpus : PHRASES.keySet()) {
            awaitAnswer(queryUrl, corpus, Duration.ofMinutes(3)); // after the rebalance and, where needed, a rebuild
        }
        report(
                "SIGKILL to both corpora answering again (session timeout " + SESSION_TIMEOUT + ", failover, rebuild)",
                killed);
        assertEquals(Set.copyOf(partitions()), awaitOwned("worker-b", Set.copyOf(partitions())));

        // back under its instance id: range assignment gives it the same partitions, resumed from its own state
        long returning = System.nanoTime();
        Process back = start(
                "worker-a", "worker-a-3", "worker", "--bootstrap-servers", bootstrap, "--instance-id", "worker-a");
        assertEquals(ownedByA, awaitOwned("worker-a-3", ownedByA));
        report("return after SIGKILL to owning its partitions again", returning);
        assertResumes("worker-a-3", corporaOfA);
        for (String corpus : PHRASES.keySet()) {
            awaitAnswer(queryUrl, corpus, Duration.ofMinutes(3));
        }
        assertTrue(back.isAlive());

        // every part closes its clients and state and exits 0 on SIGTERM
        assertStopsCleanly("query", queryPart);
        assertStopsCleanly("worker-a-3", back);
        assertStopsCleanly("worker-b", workerB);
        assertStopsCleanly("ingest", ingestPart);
        assertStopsCleanly("broker", broker);
    }

    private void assertStopsCleanly(String log, Process process) throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), log + " did not stop within 60 s of SIGTERM");
        assertEquals(0, process.exitValue(), () -> log + " exit status on SIGTERM; " + tail(dir.resolve(log + ".log")));
    }

    private int count(String log, Pattern pattern) throws IOException {
        return (int) pattern.matcher(Files.readString(dir.resolve(log + ".log")))
                .results()
                .count();
    }

    /** Waits until the two workers' latest assignments split the partitions between them; returns the first's. */
    private Set<Integer> awaitSplit(String logA, String logB) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Set<Integer> a = owned(logA);
            Set<Integer> b = owned(logB);
            Set<Integer> union = new TreeSet<>(a);
            union.addAll(b);
            if (!a.isEmpty() && !b.isEmpty() && a.size() + b.size() == PARTITIONS && union.size() == PARTITIONS) {
                return a;
            }
            assertTrue(System.nanoTime() < deadline, () -> "no split between the workers: " + a + " / " + b);
            Thread.sleep(250);
        }
    }

    /** Waits until the worker's latest assignment is {@code expected}; returns what it last owned. */
    private Set<Integer> awaitOwned(String log, Set<Integer> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Set<Integer> owned = owned(log);
        while (!owned.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            owned = owned(log);
        }
        return owned;
    }

    /** The chunk partitions a worker owns according to the last assignment it logged. */
    private Set<Integer> owned(String log) throws IOException {
        Path file = dir.resolve(log + ".log");
        Set<Integer> owned = new TreeSet<>();
        if (!Files.exists(file)) {
            return owned;
        }
        Matcher m = OWNS.matcher(Files.readString(file));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last != null) {
            Arrays.stream(last.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .forEach(p -> owned.add(Integer.parseInt(p)));
        }
        return owned;
    }

    /** The worker logs how it resumes each partition just after its assignment line: wait for those lines too. */
    private void assertResumes(String log, Set<Integer> partitions) throws Exception {
        for (int p : partitions) {
            awaitLog(
                    log,
                    "assigned " + TopicCatalog.defaults().chunks() + "-" + p + ": resumes from stored offset",
                    Duration.ofSeconds(30));
        }
    }

    private static Set<Integer> corpusPartitions() {
        Set<Integer> partitions = new TreeSet<>();
        PHRASES.keySet()
                .forEach(corpus -> partitions.add(
                        Utils.toPositive(Utils.murmur2(corpus.getBytes(StandardCharsets.UTF_8))) % PARTITIONS));
        return partitions;
    }

    private static List<Integer> partitions() {
        return IntStream.range(0, PARTITIONS).boxed().toList();
    }

    private static void report(String what, long sinceNanos) {
        System.out.printf("ScaleOutTest: %s: %.1f s%n", what, (System.nanoTime() - sinceNanos) / 1e9);
    }

    /**
     * Runs {@code memorag <command> <options>} in its own JVM with its state in {@code <dir>/<name>}, logging to
     * {@code <dir>/<log>.log}; waits until it is up.
     */
    private Process start(String name, String log, String command, String... options) throws Exception {
        Process process = ChildProcesses.memorag(
                dir,
                name,
                log,
                Map.of(
                        "MEMORAG_ADMIN_TOKEN",
                        ADMIN,
                        "MEMORAG_HEALTH_PORT",
                        "0",
                        "MEMORAG_SESSION_TIMEOUT",
                        SESSION_TIMEOUT),
                command,
                options);
        processes.add(process);
        return process;
    }

    private void awaitLog(String name, String line, Duration timeout) throws Exception {
        ChildProcesses.awaitLog(dir.resolve(name + ".log"), line, timeout);
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
        return HttpRequest.newBuilder(URI.create(url))
                .header("authorization", "Bearer " + ADMIN)
                .timeout(Duration.ofSeconds(90));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
