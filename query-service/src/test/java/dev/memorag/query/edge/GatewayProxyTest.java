package dev.memorag.query.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.schemas.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forwarding of the gateway's routes alone, against a stand-in gateway that echoes what it received: method,
 * path and query, the token header, a large body streamed through, the gateway's status and JSON error passed on,
 * and a 503 with a JSON message when the gateway cannot be reached.
 */
class GatewayProxyTest {
    static Vertx vertx;
    static HttpServer gateway;
    static HttpServer edge;
    static HttpServer unconfigured;
    static HttpServer unreachable;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final AtomicLong LARGEST_CHUNK = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router fake = Router.router(vertx);
        fake.route().handler(ctx -> {
            if (ctx.request().path().endsWith("/refused")) {
                ctx.response()
                        .setStatusCode(401)
                        .putHeader("content-type", "application/json")
                        .end("{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"the token is not valid\"}}");
                return;
            }
            AtomicLong bytes = new AtomicLong();
            ctx.request().handler(chunk -> {
                bytes.addAndGet(chunk.length());
                LARGEST_CHUNK.accumulateAndGet(chunk.length(), Math::max);
            });
            ctx.request()
                    .endHandler(v -> ctx.response()
                            .setStatusCode(202)
                            .putHeader("content-type", "application/json")
                            .putHeader("location", "/somewhere")
                            .putHeader("set-cookie", "not=forwarded")
                            .end(Json.writeString(java.util.Map.of(
                                    "method",
                                    ctx.request().method().name(),
                                    "uri",
                                    ctx.request().uri(),
                                    "authorization",
                                    String.valueOf(ctx.request().getHeader("authorization")),
                                    "cookie",
                                    String.valueOf(ctx.request().getHeader("cookie")),
                                    "bytes",
                                    bytes.get()))));
        });
        gateway = vertx.createHttpServer()
                .requestHandler(fake)
                .listen(0, "127.0.0.1")
                .await();
        edge = serve("http://127.0.0.1:" + gateway.actualPort() + "/");
        unconfigured = serve(null);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        unreachable = serve("http://127.0.0.1:" + closedPort);
    }

    private static HttpServer serve(String ingestUrl) {
        Router router = Router.router(vertx);
        GatewayProxy.mount(vertx, router, ingestUrl);
        router.route().handler(ctx -> ctx.response().setStatusCode(418).end("not forwarded"));
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void aLargeUploadIsStreamedWithItsTokenAndTheAnswerComesBackAsIs() throws Exception {
        byte[] body = new byte[8 * 1024 * 1024];
        Arrays.fill(body, (byte) 'x');
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url(edge, "/v1/corpora/dickens/documents/carol%20two.txt?x=1")))
                        .header("authorization", "Bearer secret")
                        .header("cookie", "session=1")
                        .header("content-type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        var echoed = Json.MAPPER.readTree(r.body());
        assertEquals("PUT", echoed.path("method").asText());
        assertEquals(
                "/v1/corpora/dickens/documents/carol%20two.txt?x=1",
                echoed.path("uri").asText());
        assertEquals("Bearer secret", echoed.path("authorization").asText());
        assertEquals("null", echoed.path("cookie").asText(), "only the headers the gateway needs");
        assertEquals(body.length, echoed.path("bytes").asLong());
        assertTrue(LARGEST_CHUNK.get() < body.length, "streamed in chunks, not buffered whole");
        assertEquals("/somewhere", r.headers().firstValue("location").orElseThrow());
        assertTrue(r.headers().firstValue("set-cookie").isEmpty());
    }

    @Test
    void everyGatewayRouteIsForwardedAndNothingElse() throws Exception {
        for (String[] call : new String[][] {
            {"GET", "/v1/corpora"},
            {"POST", "/v1/corpora"},
            {"GET", "/v1/corpora/dickens/documents"},
            {"DELETE", "/v1/corpora/dickens/documents/a"},
            {"GET", "/v1/corpora/dickens/status"}
        }) {
            HttpResponse<String> r = send(call[0], url(edge, call[1]));
            assertEquals(202, r.statusCode(), call[1] + ": " + r.body());
            assertEquals(call[0], Json.MAPPER.readTree(r.body()).path("method").asText());
        }
        assertEquals(
                "/ready",
                Json.MAPPER
                        .readTree(send("GET", url(edge, "/ingest/ready")).body())
                        .path("uri")
                        .asText());
        assertEquals(418, send("POST", url(edge, "/v1/corpora/dickens/ask")).statusCode(), "asks stay here");
    }

    @Test
    void theGatewaysErrorsArePassedOnAndAMissingGatewayIsA503WithAMessage() throws Exception {
        HttpResponse<String> refused = send("GET", url(edge, "/v1/corpora/dickens/documents/refused"));
        assertEquals(401, refused.statusCode());
        assertEquals(
                "the token is not valid",
                Json.MAPPER
                        .readTree(refused.body())
                        .path("error")
                        .path("message")
                        .asText());
        HttpResponse<String> down = send("GET", url(unreachable, "/v1/corpora"));
        assertEquals(503, down.statusCode());
        assertEquals(
                "UNAVAILABLE",
                Json.MAPPER.readTree(down.body()).path("error").path("code").asText());
        assertTrue(down.body().contains("did not answer"), down.body());
        HttpResponse<String> none = send("GET", url(unconfigured, "/v1/corpora/dickens/status"));
        assertEquals(503, none.statusCode());
        assertTrue(none.body().contains("MEMORAG_INGEST_URL"), none.body());
    }

    private static HttpResponse<String> send(String method, String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("authorization", "Bearer t")
                        .method(
                                method,
                                method.equals("POST")
                                        ? HttpRequest.BodyPublishers.ofString("{}")
                                        : HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String url(HttpServer server, String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }
}
