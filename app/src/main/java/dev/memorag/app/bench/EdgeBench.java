package dev.memorag.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.settings.SettingsCatalogue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N concurrent WebSocket clients against the embedded stack, side by side with the same questions answered by
 * direct calls to the worker's recall path in the same JVM, so that the edge's own cost (Kafka hops, routing,
 * socket) shows as a ratio.
 */
public final class EdgeBench {
    private static final String CORPUS = "bench-edge";

    private final String corpusText;
    private final List<String> questions;
    private final int questionsPerClient;
    private final PrintStream out;

    public EdgeBench(String corpusText, List<String> questions, int questionsPerClient, PrintStream out) {
        this.corpusText = corpusText;
        this.questions = questions;
        this.questionsPerClient = questionsPerClient;
        this.out = out;
    }

    /** One measured path at one concurrency. */
    private record Result(
            String path,
            int clients,
            LatencyStats firstFrame,
            LatencyStats full,
            double seconds,
            int errors,
            long heapMb) {}

    public void run(Path workDir, List<Integer> concurrencies) throws Exception {
        StackConfig config = BenchCorpus.unlimitedStack(workDir);
        List<Result> results = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (EmbeddedStack stack = EmbeddedStack.start(config)) {
            String token = BenchCorpus.create(stack, CORPUS, corpusText);
            // warm both paths up once before measuring
            direct(stack, 4);
            sockets(vertx, stack, token, 4);
            for (int n : concurrencies) {
                results.add(direct(stack, n));
                results.add(sockets(vertx, stack, token, n));
            }
        } finally {
            vertx.close().await();
        }
        out.printf(
                "%d questions per client, demo corpus, memory backend none, extractive generator%n",
                questionsPerClient);
        out.printf(
                "%-10s %7s %21s %21s %9s %6s %8s%n",
                "path", "clients", "first frame p50/p99", "full answer p50/p99", "answers/s", "errors", "heap MB");
        for (Result r : results) {
            out.printf(
                    "%-10s %7d %10.1f/%-10.1f %10.1f/%-10.1f %9.1f %6d %8d%n",
                    r.path,
                    r.clients,
                    r.firstFrame.p50(),
                    r.firstFrame.p99(),
                    r.full.p50(),
                    r.full.p99(),
                    r.full.count() / r.seconds,
                    r.errors,
                    r.heapMb);
        }
        for (int i = 0; i + 1 < results.size(); i += 2) {
            Result direct = results.get(i);
            Result edge = results.get(i + 1);
            out.printf(
                    "N=%d: edge/direct full-answer p50 %.2fx, p99 %.2fx, throughput %.2f%n",
                    edge.clients,
                    edge.full.p50() / direct.full.p50(),
                    edge.full.p99() / direct.full.p99(),
                    (edge.full.count() / edge.seconds) / (direct.full.count() / direct.seconds));
        }
    }

    /** The worker's recall path called in-process, with the worker's own pool size. */
    private Result direct(EmbeddedStack stack, int clients) throws InterruptedException {
        Queue<Long> first = new ConcurrentLinkedQueue<>();
        Queue<Long> full = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(stack.config().get(SettingsCatalogue.RECALL_THREADS));
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(clients);
        // each client asks its questions one after another, like a socket client does
        ExecutorService callers = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            callers.execute(() -> {
                for (int q = 0; q < questionsPerClient; q++) {
                    Question question = Question.of(
                            UUID.randomUUID().toString(), CORPUS, questions.get((client + q) % questions.size()));
                    long asked = System.nanoTime();
                    boolean[] seen = {false};
                    try {
                        pool.submit(() -> stack.recall().answer(question, event -> {
                                    if (!seen[0]) {
                                        seen[0] = true;
                                        first.add(System.nanoTime() - asked);
                                    }
                                    if (event.type() == AnswerEvent.Type.ERROR) {
                                        errors.incrementAndGet();
                                    }
                                }))
                                .get();
                        full.add(System.nanoTime() - asked);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                done.countDown();
            });
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        callers.shutdown();
        pool.shutdown();
        return new Result(
                "direct", clients, LatencyStats.of(first), LatencyStats.of(full), seconds, errors.get(), usedHeapMb());
    }

    private Result sockets(Vertx vertx, EmbeddedStack stack, String token, int clients) throws Exception {
        URI http = URI.create(stack.httpUrl());
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients));
        Queue<Long> first = new ConcurrentLinkedQueue<>();
        Queue<Long> full = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<Void>> finished = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            WebSocketConnectOptions options = new WebSocketConnectOptions()
                    .setHost(http.getHost())
                    .setPort(http.getPort())
                    .setURI("/v1/corpora/" + CORPUS + "/ws")
                    .addHeader("authorization", "Bearer " + token);
            finished.add(client.connect(options).compose(ws -> askInTurn(ws, id, first, full, errors)));
        }
        for (Future<Void> f : finished) {
            try {
                f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        client.close().await();
        return new Result(
                "websocket",
                clients,
                LatencyStats.of(first),
                LatencyStats.of(full),
                seconds,
                errors.get(),
                usedHeapMb());
    }

    /** Asks this client's questions one after another on its socket. */
    private Future<Void> askInTurn(
            WebSocket ws, int client, Queue<Long> first, Queue<Long> full, AtomicInteger errors) {
        Promise<Void> all = Promise.promise();
        int[] next = {0};
        long[] asked = {0};
        boolean[] seen = {false};
        Runnable ask = () -> {
            asked[0] = System.nanoTime();
            seen[0] = false;
            String question = questions.get((client + next[0]) % questions.size());
            ws.writeTextMessage(Json.writeString(Map.of("type", "ask", "ref", "q" + next[0], "question", question)));
        };
        ws.textMessageHandler(text -> {
            JsonNode frame = Json.read(text.getBytes(StandardCharsets.UTF_8), JsonNode.class);
            if (!seen[0]) {
                seen[0] = true;
                first.add(System.nanoTime() - asked[0]);
            }
            String type = frame.path("type").asText();
            if (type.equals("done") || type.equals("error")) {
                if (type.equals("error")) {
                    errors.incrementAndGet();
                }
                full.add(System.nanoTime() - asked[0]);
                if (++next[0] < questionsPerClient) {
                    ask.run();
                } else {
                    ws.close().onComplete(v -> all.complete());
                }
            }
        });
        ws.exceptionHandler(e -> {
            errors.incrementAndGet();
            all.tryComplete();
        });
        ask.run();
        return all.future();
    }

    private static long usedHeapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }
}
