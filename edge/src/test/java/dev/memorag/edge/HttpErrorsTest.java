package dev.memorag.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The error answers both edges give, over a real Vert.x server and a real HTTP client. */
class HttpErrorsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static Vertx vertx;
    static HttpServer server;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/unavailable").handler(ctx -> HttpErrors.send(ctx.response(), ErrorCode.UNAVAILABLE, "retry"));
        router.get("/forbidden")
                .handler(ctx -> HttpErrors.send(ctx.response(), ErrorInfo.of(ErrorCode.FORBIDDEN, "not yours")));
        router.get("/unknown-code")
                .handler(ctx -> HttpErrors.send(
                        ctx.response(), new ErrorInfo("FROM_A_NEWER_VERSION", "a code this version does not know")));
        router.get("/answered").handler(ctx -> {
            ctx.response().end("first");
            HttpErrors.send(ctx.response(), ErrorCode.INTERNAL, "too late");
        });
        HttpErrors.answerRoutingErrors(router);
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void anErrorHasItsCodesStatusAndAJsonBodyWithCodeAndMessage() throws Exception {
        HttpResponse<String> forbidden = send("GET", "/forbidden");
        assertEquals(403, forbidden.statusCode());
        assertEquals(Optional.of("application/json"), forbidden.headers().firstValue("content-type"));
        JsonNode error = Json.MAPPER.readTree(forbidden.body()).path("error");
        assertEquals("FORBIDDEN", error.path("code").asText());
        assertEquals("not yours", error.path("message").asText());
        assertTrue(forbidden.headers().firstValue("retry-after").isEmpty());
    }

    @Test
    void a503SaysWhenToRetry() throws Exception {
        HttpResponse<String> unavailable = send("GET", "/unavailable");
        assertEquals(503, unavailable.statusCode());
        assertEquals(Optional.of("1"), unavailable.headers().firstValue("retry-after"));
    }

    @Test
    void aCodeThisVersionDoesNotKnowIs500() throws Exception {
        HttpResponse<String> unknown = send("GET", "/unknown-code");
        assertEquals(500, unknown.statusCode());
        assertEquals(
                "FROM_A_NEWER_VERSION",
                Json.MAPPER.readTree(unknown.body()).path("error").path("code").asText());
    }

    @Test
    void routingErrorsAreNotFoundAndMethodNotAllowed() throws Exception {
        HttpResponse<String> missing = send("GET", "/nowhere");
        assertEquals(404, missing.statusCode());
        assertEquals(
                "NOT_FOUND",
                Json.MAPPER.readTree(missing.body()).path("error").path("code").asText());
        HttpResponse<String> wrongMethod = send("DELETE", "/forbidden");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals(
                "METHOD_NOT_ALLOWED",
                Json.MAPPER
                        .readTree(wrongMethod.body())
                        .path("error")
                        .path("code")
                        .asText());
    }

    @Test
    void aResponseAlreadySentIsLeftAsItWas() throws Exception {
        HttpResponse<String> answered = send("GET", "/answered");
        assertEquals(200, answered.statusCode());
        assertEquals("first", answered.body());
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
