package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.cli.MemoragCli;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.settings.Generator;
import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.worker.model.TinyCheckpointWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded stack with a (tiny, random) beacon checkpoint as memory model and answer generator: a document goes
 * through admission, chunking and memorization, and a question on Kafka gets clue, evidence, token and done events
 * in order, recalled from and answered after the memory.
 */
class BeaconStackTest {
    private static final String CORPUS = "carol";

    @TempDir
    Path dir;

    @Test
    void aQuestionGetsCluesEvidenceTokensAndDoneFromTheBeaconMemory() throws Exception {
        Path model = TinyCheckpointWriter.write(dir.resolve("model"), TinyCheckpointWriter.Spec.tiny("qwen2", 64, 4));
        StackConfig config = StackConfig.defaults()
                .isolatedIn(dir.resolve("data"))
                .with(SettingsCatalogue.MODEL_DIR, model)
                .with(SettingsCatalogue.GENERATOR, Generator.DJL);
        String carol = Files.readString(Path.of("..", "samples", "a-christmas-carol.txt"));
        Path document = Files.writeString(dir.resolve("stave-one.txt"), carol.substring(0, 6000));
        try (EmbeddedStack stack = EmbeddedStack.start(config)) {
            TestKafka.createTopic(stack.bootstrapServers(), "it.answers");
            int exit = MemoragCli.commandLine()
                    .execute(
                            "ingest",
                            CORPUS,
                            "--create",
                            "--url",
                            stack.ingestUrl(),
                            "--token",
                            stack.adminToken(),
                            "--timeout",
                            "PT3M",
                            document.toString());
            assertEquals(0, exit, "memorag ingest follows the document until its last passage is in memory");

            JsonNode memory = status(stack).path("memory");
            assertEquals("beacon", memory.path("backend").asText(), memory::toString);
            assertTrue(memory.path("windows").asLong() > 10, memory::toString);
            assertEquals(0, memory.path("lag").asLong(), memory::toString);
            assertFalse(memory.path("stale").asBoolean(), memory::toString);
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("memorag_memory_lag_tokens{corpus=\"carol\",backend=\"beacon\"} 0\n"), metrics);
            assertTrue(
                    metrics.contains("memorag_memory_windows{corpus=\"carol\",backend=\"beacon\"} "
                            + memory.path("windows").asLong() + "\n"),
                    metrics);

            String id = UUID.randomUUID().toString();
            try (KafkaProducer<String, byte[]> producer = producer(stack)) {
                ProducerRecord<String, byte[]> question = new ProducerRecord<>(
                        config.topics().questions(),
                        CORPUS,
                        Json.write(new Question(
                                1, id, CORPUS, "Who was Marley's sole executor?", null, 2, 24, null, null, null)));
                question.headers().add(HeaderNames.REPLY_TO, "it.answers".getBytes(StandardCharsets.UTF_8));
                question.headers()
                        .add(
                                HeaderNames.AUTHORIZATION,
                                ("Bearer " + stack.adminToken()).getBytes(StandardCharsets.UTF_8));
                producer.send(question).get();
            }
            List<AnswerEvent> events = answerEvents(stack, id);
            List<AnswerEvent.Type> types =
                    events.stream().map(AnswerEvent::type).toList();
            assertEquals(AnswerEvent.Type.CLUES, types.get(0), types::toString);
            assertEquals(AnswerEvent.Type.EVIDENCE, types.get(1), types::toString);
            assertTrue(
                    types.subList(2, types.size() - 1).stream().allMatch(t -> t == AnswerEvent.Type.TOKEN),
                    types::toString);
            assertEquals(AnswerEvent.Type.DONE, types.get(types.size() - 1), types::toString);
            Answer answer = events.get(events.size() - 1).answer();
            assertEquals("Who was Marley's sole executor?", answer.clues().get(0));
            assertEquals("djl", answer.generator(), "answered by the memory checkpoint");
            assertEquals("beacon", answer.memory().backend());
            assertEquals(memory.path("windows").asLong(), answer.memory().windows());
            assertFalse(answer.evidence().isEmpty());
            String streamed = events.stream()
                    .filter(e -> e.type() == AnswerEvent.Type.TOKEN)
                    .map(AnswerEvent::text)
                    .reduce("", String::concat);
            assertEquals(answer.answer(), streamed, "the token events add up to the answer");
        }
    }

    private static JsonNode status(EmbeddedStack stack) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/v1/corpora/" + CORPUS + "/status"))
                                .header("authorization", "Bearer " + stack.adminToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return Json.MAPPER.readTree(response.body());
    }

    /** The events of one question, read from the beginning of the events topic until its done or error event. */
    private static List<AnswerEvent> answerEvents(EmbeddedStack stack, String questionId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<AnswerEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().topics().answerEvents()));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (questionId.equals(r.key())) {
                        AnswerEvent event = Json.read(r.value(), AnswerEvent.class);
                        events.add(event);
                        if (event.terminal()) {
                            return events;
                        }
                    }
                }
            }
        }
        throw new AssertionError("no done event for " + questionId + " within 2 minutes: " + events);
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedStack stack) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
