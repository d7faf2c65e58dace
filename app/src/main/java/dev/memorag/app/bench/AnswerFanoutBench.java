package dev.memorag.app.bench;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.settings.Part;
import dev.memorag.settings.SettingsCatalogue;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Query-service CPU per answer with 1, 2, 4… instances: one JVM runs the broker, ingest, chunker and a worker; each
 * query service is a process of its own (the {@code query-service} command), so its CPU time is its own
 * ({@link ProcessHandle.Info#totalCpuDuration}, from {@code /proc} on Linux). HTTP asks are spread over the instances
 * in turn; the CPU all instances spent while answering them, divided by the answers, is the cost of an answer. Each
 * build to compare is a classpath (the query services of a baseline build run against this build's worker, as in a
 * rolling upgrade), measured in the same run on the same corpus and worker.
 */
public final class AnswerFanoutBench {
    private static final String CORPUS = "bench-fanout";
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(10);
    private static final String QUESTION = "{\"question\":\"What did Scrooge see on the door knocker?\"}";

    /** A build to measure: a name for the table and the classpath its query services run from. */
    public record Build(String name, String classpath) {}

    /**
     * One row; {@code idleCpuPerSecond}: what the instances spend with nothing to answer (their consumers polling),
     * measured just before the asks, so that the cost of answering shows apart from the cost of running.
     */
    private record Result(
            Build build,
            int instances,
            int answers,
            int errors,
            double seconds,
            double cpuSeconds,
            double idleCpuPerSecond) {
        double cpuMsPerAnswer() {
            return cpuSeconds * 1000 / answers;
        }

        double answeringCpuMsPerAnswer() {
            return (cpuSeconds - idleCpuPerSecond * seconds) * 1000 / answers;
        }
    }

    private final String corpusText;
    private final int asks;
    private final int concurrency;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    public AnswerFanoutBench(String corpusText, int asks, int concurrency, PrintStream out) {
        this.corpusText = corpusText;
        this.asks = asks;
        this.concurrency = concurrency;
        this.out = out;
    }

    public void run(Path workDir, List<Integer> instanceCounts, List<Build> builds) throws Exception {
        StackConfig backend = StackConfig.fromEnvironment()
                .isolatedIn(workDir.resolve("stack"))
                .with(SettingsCatalogue.PARTS, EnumSet.of(Part.BROKER, Part.INGEST, Part.CHUNKER, Part.WORKER));
        List<Result> results = new ArrayList<>();
        try (EmbeddedStack stack = EmbeddedStack.start(backend)) {
            BenchCorpus.ingest(stack.ingestUrl(), stack.adminToken(), CORPUS, corpusText);
            for (int n : instanceCounts) {
                for (Build build : builds) {
                    results.add(measure(stack, workDir, build, n));
                }
            }
        }
        out.printf(
                "%d HTTP asks per row, %d at a time, spread over the instances in turn; one worker (memory "
                        + "backend none, extractive generator)%n",
                asks, concurrency);
        out.printf(
                "%-10s %9s %7s %6s %9s %11s %11s %17s %17s%n",
                "build",
                "instances",
                "answers",
                "errors",
                "answers/s",
                "query CPU s",
                "idle CPU/s",
                "CPU ms per answer",
                "above idle");
        for (Result r : results) {
            out.printf(
                    "%-10s %9d %7d %6d %9.2f %11.2f %11.3f %17.2f %17.2f%n",
                    r.build.name(),
                    r.instances,
                    r.answers,
                    r.errors,
                    r.answers / r.seconds,
                    r.cpuSeconds,
                    r.idleCpuPerSecond,
                    r.cpuMsPerAnswer(),
                    r.answeringCpuMsPerAnswer());
        }
        if (builds.size() == 2) {
            for (int i = 0; i + 1 < results.size(); i += 2) {
                out.printf(
                        "%d instance(s): %s/%s CPU per answer %.2f, above idle %.2f%n",
                        results.get(i).instances,
                        builds.get(1).name(),
                        builds.get(0).name(),
                        results.get(i + 1).cpuMsPerAnswer() / results.get(i).cpuMsPerAnswer(),
                        results.get(i + 1).answeringCpuMsPerAnswer()
                                / results.get(i).answeringCpuMsPerAnswer());
            }
        }
    }

    private Result measure(EmbeddedStack stack, Path workDir, Build build, int instances) throws Exception {
        List<Process> processes = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                int port = freePort();
                Path dir = workDir.resolve(build.name() + "-" + instances + "-" + i);
                processes.add(startQueryService(stack, build, dir, port));
                urls.add("http://127.0.0.1:" + port);
            }
            for (String url : urls) {
                awaitReady(url);
            }
            ask(stack, urls, Math.max(20, asks / 10)); // warm-up: code compiled, connections open
            long idleFrom = cpuNanos(processes);
            Thread.sleep(IDLE_WINDOW.toMillis());
            double idle = (cpuNanos(processes) - idleFrom) / 1e9 / IDLE_WINDOW.toSeconds();
            long cpuBefore = cpuNanos(processes);
            long start = System.nanoTime();
            int[] outcome = ask(stack, urls, asks);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (cpuNanos(processes) - cpuBefore) / 1e9;
            return new Result(build, instances, outcome[0], outcome[1], seconds, cpu, idle);
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static Process startQueryService(EmbeddedStack stack, Build build, Path dir, int port)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("query.log");
        List<String> line = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        Path options = Path.of("bin", "jvm.options");
        if (Files.exists(options)) {
            line.add("@" + options.toAbsolutePath());
        }
        line.addAll(List.of(
                "-cp",
                build.classpath(),
                "dev.memorag.app.cli.MemoragCli",
                "query-service",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--http-port",
                Integer.toString(port),
                "--data-dir",
                dir.toString()));
        ProcessBuilder builder = new ProcessBuilder(line)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put(SettingsCatalogue.ADMIN_TOKEN.env(), stack.adminToken());
        builder.environment().put(SettingsCatalogue.INGEST_URL.env(), stack.ingestUrl());
        Process process = builder.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!Files.readString(log).contains("MemoRAG is up")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("a query service did not start; see " + log);
            }
            Thread.sleep(200);
        }
        return process;
    }

    /** Every instance's {@code /ready}: registry read, and (from this build on) answer partitions held. */
    private void awaitReady(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (http.send(
                                HttpRequest.newBuilder(URI.create(url + "/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " not ready in 2 minutes");
            }
            Thread.sleep(200);
        }
    }

    /** Asks {@code count} questions, {@link #concurrency} at a time, in turn over the instances: {answers, errors}. */
    private int[] ask(EmbeddedStack stack, List<String> urls, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answers = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            running.add(callers.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    HttpRequest request = HttpRequest.newBuilder(
                                    URI.create(urls.get(i % urls.size()) + "/v1/corpora/" + CORPUS + "/ask"))
                            .header("authorization", "Bearer " + stack.adminToken())
                            .header("content-type", "application/json")
                            .timeout(Duration.ofMinutes(2))
                            .POST(HttpRequest.BodyPublishers.ofString(QUESTION))
                            .build();
                    try {
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                        (status == 200 ? answers : errors).incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        callers.shutdown();
        return new int[] {answers.get(), errors.get()};
    }

    private static long cpuNanos(List<Process> processes) {
        return processes.stream()
                .mapToLong(p -> p.toHandle()
                        .info()
                        .totalCpuDuration()
                        .orElseThrow(() -> new IllegalStateException("no CPU time for process " + p.pid()))
                        .toNanos())
                .sum();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
