package dev.memorag.ingest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.health.Health;
import dev.memorag.ingest.admission.AdmissionConfig;
import dev.memorag.ingest.admission.AdmissionService;
import dev.memorag.ingest.status.DocumentStatus;
import dev.memorag.ingest.status.StatusView;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Progress;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway over real HTTP, in front of a real broker and the real admission application. */
class IngestGatewayTest {
    private static final String ADMIN = "admin-token-for-tests";
    private static final TopicCatalog TOPICS = TopicCatalog.defaults();

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static AdmissionService admission;
    static Vertx vertx;
    static WebClient http;
    static String dickensToken;
    static String austenToken;

    /** What the gateway reports as readiness (admission running, in the stack). */
    private static final Health HEALTH = new Health();
    /** Stands for a part of the process that stops working for a while. */
    private static final Health.Part SWITCH = HEALTH.part("test.switch");

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        TopicCreator.ensure(broker.bootstrapServers(), TOPICS.all());
        admission = new AdmissionService(
                broker.bootstrapServers(),
                TOPICS,
                new AdmissionConfig(50_000),
                dir.resolve("streams"),
                1,
                null,
                HEALTH);
        SWITCH.up();
        admission.start();
        admission.awaitRunning(Duration.ofSeconds(60));
        vertx = Vertx.vertx();
        IngestGateway gateway = new IngestGateway(
                new GatewayConfig("127.0.0.1", 0, ADMIN, 200_000, 50_000),
                broker.bootstrapServers(),
                TOPICS,
                admission.statusView(),
                admission.statusOwners(),
                HEALTH,
                dir.resolve("uploads"));
        vertx.deployVerticle(gateway).await();
        http = WebClient.create(
                vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gateway.httpPort()));
        dickensToken = createCorpus("dickens");
        austenToken = createCorpus("austen");
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (admission != null) {
            admission.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String createCorpus(String id) {
        HttpResponse<Buffer> created = send(
                http.post("/v1/corpora").bearerTokenAuthentication(ADMIN),
                Buffer.buffer("{\"id\":\"" + id + "\"}"),
                "application/json");
        assertEquals(201, created.statusCode(), created.bodyAsString());
        return created.bodyAsJsonObject().getString("token");
    }

    @Test
    void probesAnswerWithoutATokenAndReadinessFollowsAdmission() {
        assertEquals(200, send(http.get("/health"), null, null).statusCode());
        assertEquals(200, send(http.get("/ready"), null, null).statusCode());
        SWITCH.degraded("switched off by the test");
        try {
            assertError(send(http.get("/ready"), null, null), 503, "UNAVAILABLE");
        } finally {
            SWITCH.up();
        }
    }

    @Test
    void corporaAreCreatedOnlyWithTheAdminTokenAndOnlyOnce() {
        assertError(
                send(http.post("/v1/corpora"), Buffer.buffer("{\"id\":\"tolstoy\"}"), "application/json"),
                401,
                "UNAUTHORIZED");
        assertError(
                send(
                        http.post("/v1/corpora").bearerTokenAuthentication("nobody-issued-this"),
                        Buffer.buffer("{\"id\":\"tolstoy\"}"),
                        "application/json"),
                401,
                "UNAUTHORIZED");
        // a corpus's token is valid, just not enough
        assertError(
                send(
                        http.post("/v1/corpora").bearerTokenAuthentication(dickensToken),
                        Buffer.buffer("{\"id\":\"tolstoy\"}"),
                        "application/json"),
                403,
                "FORBIDDEN");
        assertError(
                send(
                        http.post("/v1/corpora").bearerTokenAuthentication(ADMIN),
                        Buffer.buffer("{\"id\":\"dickens\"}"),
                        "application/json"),
                409,
                "CORPUS_EXISTS");
        assertError(
                send(
                        http.post("/v1/corpora").bearerTokenAuthentication(ADMIN),
                        Buffer.buffer("{\"id\":\"Not A Corpus\"}"),
                        "application/json"),
                400,
                "SCHEMA_VIOLATION");
        assertError(
                send(
                        http.post("/v1/corpora").bearerTokenAuthentication(ADMIN),
                        Buffer.buffer("{\"id\":"),
                        "application/json"),
                400,
                "MALFORMED_JSON");
    }

    /**
     * A registry that confirms a creation only after the gateway stopped waiting (rebalancing, lagging): the request
     * was written and wins, so its reply must carry the token (a 503 lost it: a retry is refused as existing).
     */
    @Test
    void aCreationTheRegistryConfirmsLateStillGivesItsToken() {
        LaggingRegistry view = new LaggingRegistry(admission.statusView(), "late");
        IngestGateway lagging = new IngestGateway(
                new GatewayConfig("127.0.0.1", 0, ADMIN, 200_000, 50_000),
                broker.bootstrapServers(),
                TOPICS,
                view,
                admission.statusOwners(),
                HEALTH,
                dir.resolve("uploads-lagging"));
        String deployment = vertx.deployVerticle(lagging).await();
        try {
            WebClient client = WebClient.create(
                    vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(lagging.httpPort()));
            HttpResponse<Buffer> created = send(
                    client.post("/v1/corpora").bearerTokenAuthentication(ADMIN),
                    Buffer.buffer("{\"id\":\"late\"}"),
                    "application/json");
            assertEquals(202, created.statusCode(), created.bodyAsString());
            JsonObject body = created.bodyAsJsonObject();
            assertEquals("pending", body.getString("status"));
            assertEquals("late", body.getString("corpus"));
            String token = body.getString("token");
            // the registry took it: a gateway that reads the registration lets the token in
            HttpResponse<Buffer> listed = send(http.get("/v1/corpora").bearerTokenAuthentication(token), null, null);
            assertEquals(200, listed.statusCode(), listed.bodyAsString());
            assertEquals(
                    "late",
                    listed.bodyAsJsonObject()
                            .getJsonArray("corpora")
                            .getJsonObject(0)
                            .getString("id"));
            view.release();
            assertEquals(
                    200,
                    send(client.get("/v1/corpora").bearerTokenAuthentication(token), null, null)
                            .statusCode());
            // a second create of the id, answered by a registry that sees it, is refused as before
            assertError(
                    send(
                            client.post("/v1/corpora").bearerTokenAuthentication(ADMIN),
                            Buffer.buffer("{\"id\":\"late\"}"),
                            "application/json"),
                    409,
                    "CORPUS_EXISTS");
        } finally {
            vertx.undeploy(deployment).await();
        }
    }

    /** Admission's state with the corpora of one id prefix hidden until released: a registry that lags. */
    private static final class LaggingRegistry implements StatusView {
        private final StatusView view;
        private final String prefix;
        private volatile boolean released;

        LaggingRegistry(StatusView view, String prefix) {
            this.view = view;
            this.prefix = prefix;
        }

        void release() {
            released = true;
        }

        private boolean visible(Corpus corpus) {
            return released || !corpus.id().startsWith(prefix);
        }

        @Override
        public Optional<Corpus> corpus(String id) {
            return view.corpus(id).filter(this::visible);
        }

        @Override
        public List<Corpus> corpora() {
            return view.corpora().stream().filter(this::visible).toList();
        }

        @Override
        public Optional<Corpus> corpusOfToken(String token) {
            return view.corpusOfToken(token).filter(this::visible);
        }

        @Override
        public Optional<DocumentStatus> document(String corpus, String doc) {
            return view.document(corpus, doc);
        }

        @Override
        public List<DocumentStatus> documents(String corpus) {
            return view.documents(corpus);
        }

        @Override
        public Optional<Progress> progress(String corpus) {
            return view.progress(corpus);
        }

        @Override
        public List<Progress> progress() {
            return view.progress();
        }
    }

    @Test
    void concurrentCreatesOfOneCorpusLeaveOneWinner() {
        List<io.vertx.core.Future<HttpResponse<Buffer>>> creates = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            creates.add(http.post("/v1/corpora")
                    .bearerTokenAuthentication(ADMIN)
                    .putHeader("content-type", "application/json")
                    .sendBuffer(Buffer.buffer("{\"id\":\"bronte\"}")));
        }
        io.vertx.core.Future.join(creates).await();
        List<Integer> statuses =
                creates.stream().map(f -> f.result().statusCode()).sorted().toList();
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "one create wins: " + statuses);
        assertEquals(7, statuses.stream().filter(s -> s == 409).count(), "the others are told it exists: " + statuses);
    }

    @Test
    void theAdminTokenListsEveryCorpusAndACorpusTokenOnlyItsOwn() {
        JsonObject all = send(http.get("/v1/corpora").bearerTokenAuthentication(ADMIN), null, null)
                .bodyAsJsonObject();
        assertEquals(true, all.getBoolean("admin"));
        List<String> ids = all.getJsonArray("corpora").stream()
                .map(c -> ((JsonObject) c).getString("id"))
                .toList();
        assertTrue(ids.containsAll(List.of("austen", "dickens")), ids.toString());
        assertTrue(!all.encode().contains("token"), "no token or hash is listed: " + all);
        JsonObject own = send(http.get("/v1/corpora").bearerTokenAuthentication(dickensToken), null, null)
                .bodyAsJsonObject();
        assertEquals(false, own.getBoolean("admin"));
        assertEquals(
                List.of("dickens"),
                own.getJsonArray("corpora").stream()
                        .map(c -> ((JsonObject) c).getString("id"))
                        .toList(),
                own.encode());
        assertError(send(http.get("/v1/corpora").bearerTokenAuthentication("wrong"), null, null), 401, "UNAUTHORIZED");
        assertError(send(http.get("/v1/corpora"), null, null), 401, "UNAUTHORIZED");
    }

    @Test
    void plainTextAndJsonDocumentsAreAcceptedAndTheirStatusIsServed() throws Exception {
        HttpResponse<Buffer> text = put(
                "dickens",
                "chimes.txt",
                dickensToken,
                "High up in the steeple of an old church.",
                "text/plain; charset=utf-8");
        assertEquals(202, text.statusCode(), text.bodyAsString());
        assertEquals(
                "/v1/corpora/dickens/documents/chimes.txt",
                text.bodyAsJsonObject().getString("status"));
        HttpResponse<Buffer> json = put(
                "dickens",
                "cricket",
                dickensToken,
                "{\"text\":\"The kettle began it.\",\"title\":\"The Cricket on the Hearth\"}",
                "application/json");
        assertEquals(202, json.statusCode(), json.bodyAsString());

        JsonObject status = awaitStatus("dickens", "cricket", dickensToken);
        assertEquals("admitted", status.getString("stage"));
        assertEquals(1, status.getInteger("version"));
        assertEquals("The kettle began it.".length(), status.getInteger("chars"), "the document's size");
        Map<String, AdmittedDocument> admitted = readAdmitted("chimes.txt", "cricket");
        assertEquals("The kettle began it.", admitted.get("cricket").text());
        assertEquals("The Cricket on the Hearth", admitted.get("cricket").title());

        HttpResponse<Buffer> list =
                send(http.get("/v1/corpora/dickens/documents").bearerTokenAuthentication(dickensToken), null, null);
        assertEquals(200, list.statusCode());
        assertTrue(list.bodyAsJsonObject().getJsonArray("documents").size() >= 2);
        HttpResponse<Buffer> corpusStatus =
                send(http.get("/v1/corpora/dickens/status").bearerTokenAuthentication(dickensToken), null, null);
        assertEquals(200, corpusStatus.statusCode(), corpusStatus.bodyAsString());
        assertTrue(corpusStatus.bodyAsJsonObject().getLong("pending") >= 2, corpusStatus.bodyAsString());
    }

    @Test
    void aPdfAndADocxMadeHereAreExtractedAndIngested() throws Exception {
        HttpResponse<Buffer> pdf = put(
                "austen",
                "pride.pdf",
                austenToken,
                Buffer.buffer(pdf("It is a truth universally acknowledged")),
                "application/pdf");
        assertEquals(202, pdf.statusCode(), pdf.bodyAsString());
        Path docx = dir.resolve("emma.docx");
        Files.write(docx, docx("Emma Woodhouse, handsome, clever, and rich"));
        MultipartForm form = MultipartForm.create()
                .binaryFileUpload(
                        "file",
                        "emma.docx",
                        docx.toString(),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        HttpResponse<Buffer> upload = http.put("/v1/corpora/austen/documents/emma")
                .bearerTokenAuthentication(austenToken)
                .sendMultipartForm(form)
                .await();
        assertEquals(202, upload.statusCode(), upload.bodyAsString());

        Map<String, AdmittedDocument> admitted = readAdmitted("pride.pdf", "emma");
        assertTrue(
                admitted.get("pride.pdf").text().contains("It is a truth universally acknowledged"),
                admitted.get("pride.pdf").text());
        assertTrue(admitted.get("emma").text().contains("Emma Woodhouse, handsome, clever, and rich"));
    }

    @Test
    void everyBadRequestGetsAFourHundredJsonError() {
        assertError(send(http.get("/v1/corpora/dickens/documents"), null, null), 401, "UNAUTHORIZED");
        assertError(
                send(http.get("/v1/corpora/dickens/documents").bearerTokenAuthentication("wrong"), null, null),
                401,
                "UNAUTHORIZED");
        assertError(
                send(http.get("/v1/corpora/dickens/documents").bearerTokenAuthentication(austenToken), null, null),
                403,
                "FORBIDDEN");
        assertError(
                send(http.get("/v1/corpora/nobody/documents").bearerTokenAuthentication(ADMIN), null, null),
                404,
                "UNKNOWN_CORPUS");
        assertError(put("dickens", "d", dickensToken, "{\"text\":", "application/json"), 400, "MALFORMED_JSON");
        assertError(put("dickens", "d", dickensToken, "[1,2]", "application/json"), 400, "MALFORMED_JSON");
        assertError(
                put("dickens", "d", dickensToken, "{\"text\":\"x\",\"colour\":1}", "application/json"),
                400,
                "SCHEMA_VIOLATION");
        assertError(put("dickens", "d", dickensToken, "   ", "text/plain"), 400, "SCHEMA_VIOLATION");
        assertError(
                put("dickens", "d", dickensToken, Buffer.buffer(new byte[] {'a', (byte) 0xC3, '(', 'b'}), "text/plain"),
                400,
                "MALFORMED_JSON");
        assertError(put("dickens", "d", dickensToken, "x".repeat(60_000), "text/plain"), 413, "TOO_LARGE");
        assertError(
                put("dickens", "d", dickensToken, Buffer.buffer(new byte[300_000]), "text/plain"), 413, "TOO_LARGE");
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        assertError(
                put("dickens", "blob", dickensToken, Buffer.buffer(noise), "application/octet-stream"),
                415,
                "UNSUPPORTED_MEDIA_TYPE");
        assertError(
                send(
                        http.delete("/v1/corpora/dickens/documents/never-sent").bearerTokenAuthentication(dickensToken),
                        null,
                        null),
                404,
                "UNKNOWN_DOCUMENT");
        assertError(
                send(
                        http.get("/v1/corpora/dickens/documents/never-sent").bearerTokenAuthentication(dickensToken),
                        null,
                        null),
                404,
                "UNKNOWN_DOCUMENT");
        assertError(send(http.get("/v1/nothing-here"), null, null), 404, "NOT_FOUND");
        assertError(
                send(
                        http.patch("/v1/corpora/dickens/documents/never-sent").bearerTokenAuthentication(dickensToken),
                        null,
                        null),
                405,
                "METHOD_NOT_ALLOWED");
    }

    private static HttpResponse<Buffer> put(String corpus, String doc, String token, String body, String type) {
        return put(corpus, doc, token, Buffer.buffer(body), type);
    }

    private static HttpResponse<Buffer> put(String corpus, String doc, String token, Buffer body, String type) {
        return send(
                http.put("/v1/corpora/" + corpus + "/documents/" + doc).bearerTokenAuthentication(token), body, type);
    }

    private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, Buffer body, String type) {
        if (type != null) {
            request.putHeader("content-type", type);
        }
        return (body == null ? request.send() : request.sendBuffer(body)).await();
    }

    private static void assertError(HttpResponse<Buffer> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.bodyAsString());
        assertEquals("application/json", response.getHeader("content-type"));
        JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
        assertEquals(code, error.getString("code"), response.bodyAsString());
        assertTrue(!error.getString("message").isBlank());
    }

    private static JsonObject awaitStatus(String corpus, String doc, String token) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<Buffer> r = send(
                    http.get("/v1/corpora/" + corpus + "/documents/" + doc).bearerTokenAuthentication(token),
                    null,
                    null);
            if (r.statusCode() == 200 || System.nanoTime() > deadline) {
                assertEquals(200, r.statusCode(), r.bodyAsString());
                return r.bodyAsJsonObject();
            }
            Thread.sleep(100);
        }
    }

    /** Admitted documents by id, read from the start of the admitted topic until all of {@code ids} are seen. */
    private static Map<String, AdmittedDocument> readAdmitted(String... ids) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, AdmittedDocument> seen = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPICS.documents()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!seen.keySet().containsAll(List.of(ids)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    AdmittedDocument doc = Json.read(r.value(), AdmittedDocument.class);
                    seen.put(doc.id(), doc);
                });
            }
        }
        return seen;
    }

    private static byte[] pdf(String sentence) throws Exception {
        try (PDDocument doc = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText(sentence);
                content.endText();
            }
            doc.save(out);
            return out.toByteArray();
        }
    }

    private static byte[] docx(String sentence) throws Exception {
        try (XWPFDocument doc = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            doc.createParagraph().createRun().setText(sentence);
            doc.write(out);
            return out.toByteArray();
        }
    }
}
