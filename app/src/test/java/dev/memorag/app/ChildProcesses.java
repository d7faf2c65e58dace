package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the multi-process tests share: starting a {@code memorag} command as a child JVM, free ports for the
 * children, records produced to them, and their logs.
 */
final class ChildProcesses {
    private ChildProcesses() {}

    /**
     * Runs {@code memorag <command> <options>} in its own JVM with its state in {@code <dir>/<name>}, logging to
     * {@code <dir>/<log>.log}, with {@code env} added to this process's environment; waits until it is up.
     */
    static Process memorag(
            Path dir, String name, String log, Map<String, String> env, String command, String... options)
            throws Exception {
        List<String> line = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "@" + Path.of("..", "bin", "jvm.options").toAbsolutePath(),
                "-Dorg.slf4j.simpleLogger.log.dev.memorag=info",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.memorag.app.cli.MemoragCli",
                command,
                "--data-dir",
                dir.resolve(name).toString()));
        line.addAll(List.of(options));
        Path file = dir.resolve(log + ".log");
        Files.deleteIfExists(file);
        ProcessBuilder builder = new ProcessBuilder(line)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            awaitLog(file, "MemoRAG is up", Duration.ofMinutes(3));
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    static void awaitLog(Path log, String line, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(log) || !Files.readString(log).contains(line)) {
            assertTrue(
                    System.nanoTime() < deadline,
                    () -> log.getFileName() + " did not log '" + line + "': " + tail(log));
            Thread.sleep(250);
        }
    }

    static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Sends {@code records} one by one, each acknowledged before the next. */
    static void produce(String bootstrap, List<ProducerRecord<String, byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record).get();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
