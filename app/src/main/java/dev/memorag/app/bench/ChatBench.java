package dev.memorag.app.bench;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.schemas.Json;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same questions through {@code /v1/corpora/:corpus/ask} and {@code /v1/chat/completions}, each as JSON and as a
 * stream, from N clients asking in turn. Every question is asked on all four paths back to back, starting from a
 * different path each time, so the paths share the load and the OpenAI layer's own cost shows as a ratio.
 */
public final class ChatBench {
    private static final String CORPUS = "bench-chat";

    private final String corpusText;
    private final List<String> questions;
    private final int questionsPerClient;
    private final PrintStream out;

    public ChatBench(String corpusText, List<String> questions, int questionsPerClient, PrintStream out) {
        this.corpusText = corpusText;
        this.questions = questions;
        this.questionsPerClient = questionsPerClient;
        this.out = out;
    }

    /** One way to ask, and how its complete response is recognised. */
    private enum Route {
        ASK_JSON("/ask JSON", false),
        CHAT_JSON("chat JSON", false),
        ASK_SSE("/ask SSE", true),
        CHAT_SSE("chat stream", true);

        final String label;
        final boolean stream;

        Route(String label, boolean stream) {
            this.label = label;
            this.stream = stream;
        }

        boolean chat() {
            return this == CHAT_JSON || this == CHAT_SSE;
        }

        HttpRequest request(String httpUrl, String token, String question) {
            String body = chat()
                    ? Json.writeString(Map.of(
                            "model",
                            CORPUS,
                            "stream",
                            stream,
                            "messages",
                            List.of(Map.of("role", "user", "content", question))))
                    : Json.writeString(Map.of("question", question));
            String path = chat() ? "/v1/chat/completions" : "/v1/corpora/" + CORPUS + "/ask";
            return HttpRequest.newBuilder(URI.create(httpUrl + path))
                    .header("authorization", "Bearer " + token)
                    .header("content-type", "application/json")
                    .header("accept", stream ? "text/event-stream" : "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        }

        boolean answered(HttpResponse<String> response) {
            return response.statusCode() == 200
                    && (!stream || response.body().contains(chat() ? "data: [DONE]" : "event: done"));
        }
    }

    private record Samples(Queue<Long> nanos, AtomicInteger errors) {
        static Samples empty() {
            return new Samples(new ConcurrentLinkedQueue<>(), new AtomicInteger());
        }
    }

    public void run(Path workDir, List<Integer> concurrencies) throws Exception {
        Map<Integer, Map<Route, Samples>> results = new LinkedHashMap<>();
        try (EmbeddedStack stack = EmbeddedStack.start(BenchCorpus.unlimitedStack(workDir))) {
            String token = BenchCorpus.create(stack, CORPUS, corpusText);
            measure(stack.httpUrl(), token, 1, 2); // warm every route up before measuring
            for (int n : concurrencies) {
                results.put(n, measure(stack.httpUrl(), token, n, questionsPerClient));
            }
        }
        out.printf(
                "%d questions per client on each route, demo corpus, the stack's memory backend and generator%n",
                questionsPerClient);
        out.printf("%-7s %-12s %10s %10s %7s %7s%n", "clients", "route", "p50 ms", "p99 ms", "count", "errors");
        results.forEach((n, byRoute) -> byRoute.forEach((route, s) -> {
            LatencyStats stats = LatencyStats.of(s.nanos());
            out.printf(
                    "%-7d %-12s %10.1f %10.1f %7d %7d%n",
                    n,
                    route.label,
                    stats.p50(),
                    stats.p99(),
                    stats.count(),
                    s.errors().get());
        }));
        results.forEach((n, byRoute) -> {
            for (Route[] pair : new Route[][] {{Route.CHAT_JSON, Route.ASK_JSON}, {Route.CHAT_SSE, Route.ASK_SSE}}) {
                LatencyStats chat = LatencyStats.of(byRoute.get(pair[0]).nanos());
                LatencyStats ask = LatencyStats.of(byRoute.get(pair[1]).nanos());
                out.printf(
                        "N=%d: %s / %s p50 %.2fx (%+.1f ms), p99 %.2fx (%+.1f ms)%n",
                        n,
                        pair[0].label,
                        pair[1].label,
                        chat.p50() / ask.p50(),
                        chat.p50() - ask.p50(),
                        chat.p99() / ask.p99(),
                        chat.p99() - ask.p99());
            }
        });
    }

    private Map<Route, Samples> measure(String httpUrl, String token, int clients, int questionsEach) throws Exception {
        Map<Route, Samples> samples = new EnumMap<>(Route.class);
        for (Route route : Route.values()) {
            samples.put(route, Samples.empty());
        }
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService callers = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(callers.submit(() -> {
                for (int q = 0; q < questionsEach; q++) {
                    String question = questions.get((client + q) % questions.size());
                    for (int i = 0; i < Route.values().length; i++) {
                        Route route = Route.values()[(client + q + i) % Route.values().length];
                        ask(http, route, route.request(httpUrl, token, question), samples.get(route));
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        callers.shutdown();
        return samples;
    }

    private static void ask(HttpClient http, Route route, HttpRequest request, Samples samples) {
        long asked = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (route.answered(response)) {
                samples.nanos().add(System.nanoTime() - asked);
            } else {
                samples.errors().incrementAndGet();
            }
        } catch (Exception e) {
            samples.errors().incrementAndGet();
        }
    }
}
