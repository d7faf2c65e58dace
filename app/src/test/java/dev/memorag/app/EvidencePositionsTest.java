package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.app.client.IngestClient;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence positions through the real pipeline (gateway with Tika, admission, Flink chunking with bge-small, worker,
 * query service): every evidence passage is its document's admitted text between its offsets, and its highlights
 * are the sentences the extractive answer quotes, for a plain-text upload, a JSON document produced to Kafka, and
 * PDF and DOCX uploads. The demo's three questions get answers that hold the facts asked for.
 */
class EvidencePositionsTest {
    private static final String CAROL = "christmas-carol";
    private static final String FORMATS = "formats";
    private static final String JSON_TEXT = "Ledger of the Fezziwig ball\r\n\r\n\tMr. Fezziwig paid “forty-two "
            + "shillings” to the fiddler — naïve café prices, 🎻 all told.\nThe ball ended at eleven o’clock, when "
            + "the lanterns were put out.\n\n";
    private static final List<String> PDF_LINES = List.of(
            "The Spirit of Christmas Yet to Come was shrouded",
            "in a deep black garment, which concealed its head.",
            "It pointed onward with one outstretched hand.");
    private static final List<String> DOCX_PARAGRAPHS = List.of(
            "Belle wore a mourning dress when she released " + "Scrooge from his promise.",
            "‘Another idol has displaced me,’ she said: a golden idol, gain.");

    @TempDir
    Path dataDir;

    @Test
    void evidenceLiesAtItsOffsetsInTheDocumentTextAndHighlightsAreTheQuotedSentences() throws Exception {
        StackConfig config = StackConfig.defaults().isolatedIn(dataDir);
        try (EmbeddedStack stack = EmbeddedStack.start(config)) {
            IngestClient client = new IngestClient(stack.ingestUrl(), stack.adminToken());
            assertEquals(201, client.createCorpus(CAROL).status());
            assertEquals(201, client.createCorpus(FORMATS).status());
            assertEquals(
                    202,
                    client.putFile(CAROL, "carol.txt", Path.of("..", "samples", "a-christmas-carol.txt"))
                            .status());
            try (var producer = TestKafka.producer(stack.bootstrapServers())) {
                producer.send(new ProducerRecord<>(
                                config.topics().documentsIn(),
                                FORMATS.getBytes(StandardCharsets.UTF_8),
                                Json.write(Document.upsert(FORMATS, "ledger.json", JSON_TEXT))))
                        .get();
            }
            assertEquals(
                    202,
                    client.putFile(
                                    FORMATS,
                                    "spirit.pdf",
                                    Files.write(
                                            dataDir.resolve("spirit.pdf"),
                                            TestDocuments.pdf(PDF_LINES.toArray(String[]::new))))
                            .status());
            assertEquals(
                    202,
                    client.putFile(FORMATS, "belle.docx", Files.write(dataDir.resolve("belle.docx"), docx()))
                            .status());

            awaitStored(stack, CAROL, 1);
            awaitStored(stack, FORMATS, 3);
            Map<String, String> texts = admittedTexts(stack, 4);
            assertEquals(
                    Files.readString(Path.of("..", "samples", "a-christmas-carol.txt")),
                    texts.get("carol.txt"),
                    "a plain-text upload is admitted as sent: CRLF and byte-order mark included");
            assertEquals(JSON_TEXT, texts.get("ledger.json"), "admission keeps a JSON document's text as produced");
            assertTrue(texts.get("spirit.pdf").contains(PDF_LINES.get(1)), texts.get("spirit.pdf"));
            assertTrue(texts.get("belle.docx").contains(DOCX_PARAGRAPHS.get(1)), texts.get("belle.docx"));

            Map<String, String> demo = Map.of(
                    "How many years had Jacob Marley been dead when his ghost visited Scrooge?", "seven years",
                    "To which part of London did Scrooge send the prize turkey?", "Camden Town",
                    "Which of the Cratchit children walks with a little crutch?", "Tiny Tim");
            for (Map.Entry<String, String> qa : demo.entrySet()) {
                Answer answer = ask(stack, CAROL, qa.getKey());
                assertTrue(answer.answer().contains(qa.getValue()), () -> qa + " answered " + answer.answer());
                assertPositions(answer, texts);
            }

            Map<String, String> formats = Map.of(
                    "How much did Fezziwig pay the fiddler?", "forty-two shillings",
                    "What colour was the garment of the Spirit of Christmas Yet to Come?", "deep black",
                    "Which idol had displaced Belle?", "golden idol");
            for (Map.Entry<String, String> qa : formats.entrySet()) {
                Answer answer = ask(stack, FORMATS, qa.getKey());
                assertTrue(
                        answer.answer().replaceAll("\\s+", " ").contains(qa.getValue()),
                        () -> qa + " answered " + answer.answer());
                assertPositions(answer, texts);
            }
        }
    }

    /**
     * Each passage is its document's text between its offsets; each highlight lies in its passage, and the highlighted
     * text, whitespace folded, in evidence order, is the extractive answer.
     */
    private static void assertPositions(Answer answer, Map<String, String> texts) {
        List<String> highlighted = new ArrayList<>();
        for (Answer.Evidence e : answer.evidence()) {
            String text = texts.get(e.doc());
            assertNotNull(e.start(), () -> "evidence has offsets: " + e);
            assertEquals(e.text(), text.substring(e.start(), e.end()), () -> e.doc() + " at " + e.start());
            if (e.highlights() != null) {
                for (Answer.Span h : e.highlights()) {
                    assertTrue(e.start() <= h.start() && h.end() <= e.end(), () -> h + " within " + e);
                    highlighted.add(text.substring(h.start(), h.end()).replaceAll("\\s+", " "));
                }
            }
        }
        assertEquals(answer.answer(), String.join(" ", highlighted), "the highlights are the answer's sentences");
    }

    private static Answer ask(EmbeddedStack stack, String corpus, String question) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/v1/corpora/" + corpus + "/ask"))
                                .header("content-type", "application/json")
                                .header("authorization", "Bearer " + stack.adminToken())
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        Json.writeString(Map.of("question", question))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return Json.MAPPER.readValue(response.body(), Answer.class);
    }

    /** Waits until the worker stores {@code documents} documents of the corpus and their passage count settles. */
    private static void awaitStored(EmbeddedStack stack, String corpus, int documents) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long last = -1;
        int stable = 0;
        while (stable < 4) {
            assertTrue(System.nanoTime() < deadline, corpus + " stored within 3 minutes");
            Thread.sleep(500);
            var stats = stack.store().stats(corpus);
            long now = stats.documents() >= documents ? stats.chunks() : -1;
            stable = now > 0 && now == last ? stable + 1 : 0;
            last = now;
        }
    }

    /** The text admission received for each document, as the admitted-documents topic holds it. */
    private static Map<String, String> admittedTexts(EmbeddedStack stack, int documents) {
        Map<String, String> texts = new HashMap<>();
        TestKafka.readUntil(
                        stack.bootstrapServers(),
                        List.of(stack.config().topics().documents()),
                        read -> read.size() >= documents,
                        Duration.ofSeconds(30))
                .forEach(r -> {
                    AdmittedDocument doc = Json.read(r.value(), AdmittedDocument.class);
                    texts.put(doc.id(), doc.text());
                });
        assertEquals(documents, texts.size(), texts.keySet()::toString);
        return texts;
    }

    private static byte[] docx() throws Exception {
        try (XWPFDocument doc = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (String paragraph : DOCX_PARAGRAPHS) {
                doc.createParagraph().createRun().setText(paragraph);
            }
            doc.write(out);
            return out.toByteArray();
        }
    }
}
