package dev.memorag.app;

import static dev.memorag.app.ChildProcesses.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.schemas.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process whose poll loop stops for good exits non-zero and says which part stopped, so that Kubernetes or
 * systemd restart it. The fault is a real one: a second member joins the worker group with the same static instance
 * id (two pods given one ordinal), and the broker fences the first, whose consumer then fails for good.
 */
class WorkerProcessExitTest {
    private static final String INSTANCE = "worker-0";
    private static final Pattern HEALTH_URL = Pattern.compile("health +: GET +(http://\\S+)/health");

    @TempDir
    Path dir;

    EmbeddedKafkaBroker broker;
    Process worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.destroyForcibly();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aFencedWorkerExitsWithStatusOneNamingThePart() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        Path log = dir.resolve("worker.log");
        worker = startWorker(log);
        awaitLog(log, "MemoRAG is up", Duration.ofMinutes(2));
        awaitLog(log, "owns chunk partitions", Duration.ofMinutes(1));
        Matcher url = HEALTH_URL.matcher(Files.readString(log));
        assertTrue(url.find(), () -> tail(log));
        assertEquals(
                200,
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url.group(1) + "/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode());

        try (KafkaConsumer<byte[], byte[]> impostor = sameInstance()) {
            TopicCatalog topics = TopicCatalog.defaults();
            impostor.subscribe(List.of(topics.chunks(), topics.recall()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (impostor.assignment().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the second member joins the group");
                impostor.poll(Duration.ofMillis(200));
            }
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS), () -> "the fenced worker exits: " + tail(log));
        }
        assertEquals(1, worker.exitValue(), () -> tail(log));
        String output = Files.readString(log);
        assertTrue(output.contains("a part stopped for good (worker.loop: FencedInstanceIdException"), () -> tail(log));
        assertTrue(output.contains("\nstopped"), () -> tail(log));
    }

    /** {@code memorag up --parts worker} in its own JVM against the test's broker, as static member {@link #INSTANCE}. */
    private Process startWorker(Path log) throws Exception {
        List<String> line = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "@" + Path.of("..", "bin", "jvm.options").toAbsolutePath(),
                "-Dorg.slf4j.simpleLogger.log.dev.memorag=info",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.memorag.app.cli.MemoragCli",
                "up",
                "--parts",
                "worker",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--instance-id",
                INSTANCE,
                "--data-dir",
                dir.resolve("worker").toString());
        ProcessBuilder builder = new ProcessBuilder(line)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MEMORAG_HEALTH_PORT", "0");
        builder.environment().put("MEMORAG_SESSION_TIMEOUT", "PT6S");
        return builder.start();
    }

    /** A plain consumer claiming the worker's group membership: same group, same instance id, same assignor. */
    private KafkaConsumer<byte[], byte[]> sameInstance() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, TopicCatalog.defaults().prefix() + "worker");
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, INSTANCE);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void awaitLog(Path log, String line, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(log) || !Files.readString(log).contains(line)) {
            assertTrue(worker.isAlive(), () -> "the worker exited early: " + tail(log));
            assertTrue(System.nanoTime() < deadline, () -> "no '" + line + "' in the log: " + tail(log));
            Thread.sleep(250);
        }
    }
}
