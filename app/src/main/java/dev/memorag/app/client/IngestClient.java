package dev.memorag.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** A client of the ingest gateway's HTTP API, for the CLI and the evaluation harness. */
public final class IngestClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String token;

    public IngestClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    /** A gateway reply: its status code and JSON body. */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        public String error() {
            return body.path("error").path("code").asText() + ": "
                    + body.path("error").path("message").asText();
        }
    }

    /** Creates a corpus (admin token); a 409 means it exists already. */
    public Reply createCorpus(String corpus) throws IOException, InterruptedException {
        return send(request("/v1/corpora")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("id", corpus)))));
    }

    /** Uploads a file as document {@code doc}: plain text as is, every other format for extraction. */
    public Reply putFile(String corpus, String doc, Path file) throws IOException, InterruptedException {
        return send(request(documentPath(corpus, doc))
                .header("content-type", contentType(file))
                .PUT(HttpRequest.BodyPublishers.ofFile(file)));
    }

    /** Uploads text as document {@code doc}. */
    public Reply putText(String corpus, String doc, String text) throws IOException, InterruptedException {
        return send(request(documentPath(corpus, doc))
                .header("content-type", "text/plain; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(text)));
    }

    public Reply document(String corpus, String doc) throws IOException, InterruptedException {
        return send(request(documentPath(corpus, doc)).GET());
    }

    public Reply corpusStatus(String corpus) throws IOException, InterruptedException {
        return send(request("/v1/corpora/" + corpus + "/status").GET());
    }

    private static String documentPath(String corpus, String doc) {
        return "/v1/corpora/" + corpus + "/documents/"
                + URLEncoder.encode(doc, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("authorization", "Bearer " + token);
    }

    private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body =
                response.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
        return new Reply(response.statusCode(), body);
    }

    private static String contentType(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt") || name.endsWith(".md") || name.endsWith(".markdown")) {
            return "text/plain; charset=utf-8";
        }
        String probed = Files.probeContentType(file);
        return probed != null ? probed : "application/octet-stream";
    }
}
