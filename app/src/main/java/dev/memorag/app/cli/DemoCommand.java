package dev.memorag.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.EmbeddedStack;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.Json;
import dev.memorag.worker.store.CorpusStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Start the embedded stack, ingest A Christmas Carol, ask three questions.")
final class DemoCommand implements Callable<Integer> {
    static final String CORPUS = "christmas-carol";
    static final List<String> QUESTIONS = List.of(
            "How many years had Jacob Marley been dead when his ghost visited Scrooge?",
            "To which part of London did Scrooge send the prize turkey?",
            "Which of the Cratchit children walks with a little crutch?");

    @Mixin
    StackOptions options;

    @Option(names = "--file", description = "text file to ingest (default samples/a-christmas-carol.txt)")
    Path file = Path.of("samples", "a-christmas-carol.txt");

    @Override
    public Integer call() throws Exception {
        String text = Files.readString(file);
        try (EmbeddedStack stack = EmbeddedStack.start(options.config())) {
            Endpoints.print(stack);
            publish(stack, Document.upsert(CORPUS, file.getFileName().toString(), text));
            System.out.printf("%nPublished %s (%,d characters) to corpus '%s'; chunking and embedding…%n",
                    file.getFileName(), text.length(), CORPUS);
            CorpusStats stats = awaitChunks(stack);
            System.out.printf("Stored %d passages (%,d tokens).%n", stats.chunks(), stats.tokens());
            HttpClient http = HttpClient.newHttpClient();
            for (String question : QUESTIONS) {
                ask(http, stack.httpUrl(), question);
            }
        }
        return 0;
    }

    private static void publish(EmbeddedStack stack, Document doc) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(stack.config().topics().documentsIn(), doc.corpus(), Json.write(doc)))
                    .get();
        }
    }

    /** Waits until the corpus has passages and their number has stopped growing, printing progress. */
    private static CorpusStats awaitChunks(EmbeddedStack stack) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        CorpusStats last = stack.store().stats(CORPUS);
        int stableTicks = 0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            CorpusStats now = stack.store().stats(CORPUS);
            stableTicks = now.chunks() > 0 && now.equals(last) ? stableTicks + 1 : 0;
            if (!now.equals(last)) {
                System.out.printf("  … %d passages stored%n", now.chunks());
            }
            last = now;
            if (stableTicks >= 4) {
                return now;
            }
        }
        throw new IllegalStateException("no passages stored after 10 minutes; see the log for errors");
    }

    private static void ask(HttpClient http, String baseUrl, String question) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/corpora/" + CORPUS + "/ask"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("question", question))))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode answer = Json.MAPPER.readTree(response.body());
        System.out.println("\nQ: " + question);
        if (response.statusCode() != 200) {
            System.out.println("   error " + response.statusCode() + ": " + answer.path("error"));
            return;
        }
        System.out.println("A: " + answer.path("answer").asText());
        System.out.printf("   memory backend: %s · generator: %s · %d ms%n",
                answer.path("memory").path("backend").asText(), answer.path("generator").asText(),
                answer.path("timings").path("totalMs").asLong());
        for (JsonNode e : answer.path("evidence")) {
            String text = e.path("text").asText().replaceAll("\\s+", " ");
            System.out.printf("   evidence %s#%d (score %.3f): %s…%n", e.path("doc").asText(),
                    e.path("index").asInt(), e.path("score").asDouble(), text.substring(0, Math.min(160, text.length())));
        }
    }
}
