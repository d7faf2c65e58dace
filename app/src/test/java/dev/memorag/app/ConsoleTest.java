package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.app.cli.MemoragCli;
import dev.memorag.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in real headless Chromium against the whole embedded stack, through the query service only (it
 * forwards the gateway's routes): a scripted session from a wrong token to a deleted document, a screenshot per step
 * under {@code target/console/}, and the time from drop to {@code memorized} in the page next to {@code memorag
 * ingest} on the same files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {
    private static final Path NODE_DIR = Path.of("src", "test", "node");
    static final String TEXT = "The lighthouse keeper recorded every passing ship in a leather logbook. "
            + "He wrote down the name of each ship and the hour it passed the northern rocks. "
            + "In winter the lamp burned whale oil until the supply boat came back in March.";
    static final String[] PDF_LINES = {
        "The harbour master of Port Ellen kept a ledger of the tides.",
        "Every spring tide was marked in red ink beside the date.",
        "The ledger was kept in the customs house by the pier."
    };
    static final String QUESTION = "What did the lighthouse keeper record?"; // console-session.mjs asks it

    @TempDir
    static Path dataDir;

    static EmbeddedStack stack;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** When each timed page round had both uploads answered 202 (drop to sent). */
    static final List<Long> PAGE_SENT = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = EmbeddedStack.start(StackConfig.defaults().isolatedIn(dataDir));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aScriptedSessionFromSignInToDeleteInChromium() throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assumeTrue(Files.isExecutable(Path.of(chromium)), "Chromium is not installed (apt-get install chromium)");
        Path out = Path.of("target", "console").toAbsolutePath();
        Files.createDirectories(out);
        try (Stream<Path> old = Files.list(out)) {
            for (Path p : old.filter(p -> p.toString().endsWith(".png")).toList()) {
                Files.delete(p);
            }
        }
        Path files = Files.createDirectories(dataDir.resolve("files"));
        Path text = Files.writeString(files.resolve("lighthouse.txt"), TEXT);
        Path pdf = Files.write(files.resolve("harbour.pdf"), TestDocuments.pdf(PDF_LINES));

        JsonNode r = NodeScripts.run(
                        NODE_DIR,
                        "console-session.mjs",
                        stack.httpUrl() + "/console/",
                        stack.adminToken(),
                        out.toString(),
                        "console-demo",
                        text.toString(),
                        pdf.toString())
                .get(0);
        Files.writeString(out.resolve("session.json"), r.toPrettyString());

        assertTrue(
                r.path("wrongToken").asText().startsWith("401 UNAUTHORIZED: "),
                r.path("wrongToken").asText());
        assertTrue(r.path("signInStillShown").asBoolean());
        assertFalse(r.path("appShownBeforeSignIn").asBoolean(), "nothing but the sign-in before a valid token");
        assertTrue(r.path("tokenInSessionStorage").asBoolean(), "the token is in sessionStorage only");
        assertFalse(r.path("newToken").asText().isBlank(), "the new corpus's token is shown");
        assertEquals("console-demo", r.path("selectedCorpus").asText());
        for (String name : List.of("lighthouse.txt", "harbour.pdf")) {
            JsonNode upload = r.path("uploads").path(name);
            assertTrue(
                    upload.path("memorizedMs").isNumber(), name + " memorized in the page: " + r.path("uploadLines"));
            // admitted and chunked show when a poll lands on them; a warm pipeline may pass both within one poll
            assertTrue(upload.path("stages").has("sent"), name + " was sent: " + upload);
        }
        assertTrue(
                r.path("documentRows").toString().contains("harbour.pdf"),
                r.path("documentRows").toString());
        assertTrue(
                r.path("memory").asText().contains("Memory backendnone"),
                r.path("memory").asText());
        assertTrue(
                r.path("ready").asText().contains("Ingest gateway: READY"),
                r.path("ready").asText());

        assertTrue(
                r.path("rejectedUpload")
                        .asText()
                        .startsWith("rejected: 415 UNSUPPORTED_MEDIA_TYPE: no text found in 'blank.md'"),
                "the API's reason: " + r.path("rejectedUpload").asText());
        JsonNode first = r.path("firstAsk");
        assertEquals("done", first.path("status").asText(), first::toString);
        assertTrue(first.path("clues").toString().contains(QUESTION), "the question is a clue: " + first);
        assertTrue(first.path("tokenFrames").asInt() >= 1, "streamed tokens: " + first);
        assertTrue(
                first.path("frames").path("clues").asDouble()
                        <= first.path("frames").path("token").asDouble(),
                "clues arrive before the tokens: " + first.path("frames"));
        assertTrue(
                first.path("answer").asText().contains("logbook"),
                first.path("answer").asText());
        assertTrue(
                first.path("marks").toString().contains("logbook"),
                "the answer's sentence is highlighted: " + first.path("marks"));
        assertTrue(first.path("evidenceDocs").toString().contains("harbour.pdf"), first.toString());
        assertTrue(
                r.path("passageTitle").asText().contains("passage"),
                r.path("passageTitle").asText());
        assertTrue(r.path("passageMarks").size() > 0, "the opened passage is highlighted too");

        assertFalse(r.path("rowsAfterDelete").toString().contains("harbour.pdf"), "the deleted PDF left the list");
        JsonNode second = r.path("secondAsk");
        assertEquals("done", second.path("status").asText(), second::toString);
        assertFalse(
                second.path("evidenceDocs").toString().contains("harbour.pdf"),
                "no passage of a deleted document in later evidence: " + second);
        assertTrue(second.path("evidenceDocs").toString().contains("lighthouse.txt"), second.toString());
        assertTrue(
                r.path("cancelStatus").asText().startsWith("cancelled"),
                r.path("cancelStatus").asText());
        assertTrue(r.path("cancelAcknowledged").asBoolean(), "the service answered the cancel (CANCELLED)");
        assertTrue(r.path("history").size() >= 3, "the session's questions: " + r.path("history"));
        assertTrue(
                r.path("history").get(0).asText().contains("cancelled"),
                r.path("history").toString());
        assertTrue(
                r.path("replayed").path("status").asText().contains("from the history"), r.path("replayed")::toString);
        assertTrue(r.path("replayed").path("marks").asInt() > 0, "a replayed answer is highlighted too");
        assertEquals(0, r.path("unlabelled").size(), "unlabelled controls: " + r.path("unlabelled"));
        assertEquals("topk", r.path("tabFromQuestion").asText(), "Tab moves from the question to the next control");
        assertTrue(r.path("phoneOverflow").asInt() <= 0, "no horizontal scrolling at 390 px");
        assertEquals(0, r.path("pageErrors").size(), r.path("pageErrors").toString());
        assertTrue(Files.size(out.resolve("08-final.png")) > 0);
    }

    /**
     * Drop to {@code memorized} shown in the page against {@code memorag ingest} (in this JVM, so no JVM start is
     * counted) on the same two files, each into a fresh corpus, in alternating order after a warm-up of both; both
     * poll document status every 500 ms. Writes {@code target/console/timings.json}.
     */
    @Test
    @Order(2)
    void dropToMemorizedInThePageMatchesMemoragIngest() throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assumeTrue(Files.isExecutable(Path.of(chromium)), "Chromium is not installed (apt-get install chromium)");
        Path files = Files.createDirectories(dataDir.resolve("timed"));
        Path text = Files.writeString(files.resolve("lighthouse.txt"), TEXT);
        Path pdf = Files.write(files.resolve("harbour.pdf"), TestDocuments.pdf(PDF_LINES));
        int rounds = Integer.getInteger("console.rounds", 4);
        List<Long> page = new ArrayList<>();
        List<Long> cli = new ArrayList<>();
        PAGE_SENT.clear();
        cliIngest("warm-cli", text, pdf);
        pageIngest("warm-page", text, pdf);
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                page.add(pageIngest("page-" + i, text, pdf));
                cli.add(cliIngest("cli-" + i, text, pdf));
            } else {
                cli.add(cliIngest("cli-" + i, text, pdf));
                page.add(pageIngest("page-" + i, text, pdf));
            }
        }
        ObjectNode timings = Json.MAPPER.createObjectNode();
        timings.put("files", "lighthouse.txt (" + Files.size(text) + " B), harbour.pdf (" + Files.size(pdf) + " B)");
        timings.putPOJO("pageMs", page);
        timings.putPOJO("cliMs", cli);
        timings.putPOJO("pageSentMs", new ArrayList<>(PAGE_SENT));
        timings.put("pageMedianMs", median(page));
        timings.put("cliMedianMs", median(cli));
        Path out = Files.createDirectories(Path.of("target", "console").toAbsolutePath());
        Files.writeString(out.resolve("timings.json"), timings.toPrettyString());
        System.out.println("console timings: " + timings);
        assertTrue(
                Math.abs(median(page) - median(cli)) <= 1000,
                "page and CLI within two poll intervals of each other: " + timings);
    }

    /** Drop to memorized of both files, as the page shows it. */
    private static long pageIngest(String corpus, Path... files) throws Exception {
        createCorpus(corpus);
        List<String> args = new ArrayList<>(List.of(stack.httpUrl() + "/console/", stack.adminToken(), corpus));
        for (Path f : files) {
            args.add(f.toString());
        }
        JsonNode uploads = NodeScripts.run(NODE_DIR, "console-drop.mjs", args.toArray(String[]::new))
                .get(0);
        long max = 0;
        long sent = 0;
        for (Path f : files) {
            JsonNode ms = uploads.path(f.getFileName().toString()).path("memorizedMs");
            assertTrue(ms.isNumber(), "memorized in the page: " + uploads);
            max = Math.max(max, ms.asLong());
            sent = Math.max(
                    sent,
                    uploads.path(f.getFileName().toString())
                            .path("stages")
                            .path("sent")
                            .asLong());
        }
        if (corpus.startsWith("page-")) {
            PAGE_SENT.add(sent);
        }
        return max;
    }

    /** {@code memorag ingest <corpus> <files>}: upload to exit (every file memorized). */
    private static long cliIngest(String corpus, Path... files) throws Exception {
        createCorpus(corpus);
        List<String> args = new ArrayList<>(List.of("ingest", corpus));
        for (Path f : files) {
            args.add(f.toString());
        }
        args.addAll(List.of("--url", stack.ingestUrl(), "--token", stack.adminToken()));
        long start = System.nanoTime();
        assertEquals(0, cli(args.toArray(String[]::new)));
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void createCorpus(String id) throws Exception {
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/v1/corpora"))
                        .header("authorization", "Bearer " + stack.adminToken())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static int cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return MemoragCli.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
    }
}
