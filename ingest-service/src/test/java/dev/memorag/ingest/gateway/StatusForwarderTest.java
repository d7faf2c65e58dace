package dev.memorag.ingest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memorag.ingest.status.StatusOwners;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real HTTP servers in front of {@link StatusForwarder}, each answering "from its stores" with its own name: a
 * status call for a corpus the other owns is forwarded there once and answered with its owner's name; an owner
 * that is not known, or a forwarded call that meets a second non-owner, is answered 503 with retry-after.
 */
class StatusForwarderTest {
    private final Map<String, StatusOwners.Owner> owners = new ConcurrentHashMap<>();
    private Vertx vertx;
    private WebClient client;
    private HttpServer a;
    private HttpServer b;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        // b owns everything it is asked: it stands for the owner; a looks its owners up in the map
        b = server("b", corpus -> new StatusOwners.Local());
        a = server("a", corpus -> owners.getOrDefault(corpus, new StatusOwners.Local()));
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private HttpServer server(String name, StatusOwners lookup) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.get("/v1/corpora/:corpus/status")
                .handler(new StatusForwarder(vertx, lookup))
                .handler(ctx -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end("{\"servedBy\":\"" + name + "\",\"corpus\":\"" + ctx.pathParam("corpus") + "\","
                                + "\"token\":\"" + ctx.request().getHeader("authorization") + "\"}"));
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    private HttpResponse<Buffer> status(HttpServer server, String corpus) {
        return client.get(server.actualPort(), "127.0.0.1", "/v1/corpora/" + corpus + "/status")
                .putHeader("authorization", "Bearer secret")
                .send()
                .await();
    }

    @Test
    void aCorpusOwnedHereIsAnsweredHere() {
        HttpResponse<Buffer> r = status(a, "mine");
        assertEquals(200, r.statusCode());
        assertEquals("a", r.bodyAsJsonObject().getString("servedBy"));
        assertNull(r.getHeader(StatusForwarder.ANSWERED_BY));
    }

    @Test
    void aCorpusOwnedElsewhereIsAnsweredByItsOwnerWithTheCallersToken() {
        owners.put("theirs", new StatusOwners.Remote("127.0.0.1", b.actualPort()));
        HttpResponse<Buffer> r = status(a, "theirs");
        assertEquals(200, r.statusCode());
        assertEquals("b", r.bodyAsJsonObject().getString("servedBy"));
        assertEquals("theirs", r.bodyAsJsonObject().getString("corpus"));
        assertEquals("Bearer secret", r.bodyAsJsonObject().getString("token"));
        assertEquals("127.0.0.1:" + b.actualPort(), r.getHeader(StatusForwarder.ANSWERED_BY));
    }

    @Test
    void anUnknownOwnerIsARetryable503() {
        owners.put("moving", new StatusOwners.Unknown("the owner of corpus 'moving' is not known yet (REBALANCING)"));
        HttpResponse<Buffer> r = status(a, "moving");
        assertEquals(503, r.statusCode());
        assertEquals("1", r.getHeader("retry-after"));
        assertEquals("UNAVAILABLE", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }

    @Test
    void aForwardedCallIsNotForwardedAgain() {
        // a believes b owns the corpus, b's lookup has moved on: the call must not bounce between them
        owners.put("bounce", new StatusOwners.Remote("127.0.0.1", b.actualPort()));
        HttpResponse<Buffer> r = client.get(a.actualPort(), "127.0.0.1", "/v1/corpora/bounce/status")
                .putHeader(StatusForwarder.FORWARDED_BY, "127.0.0.1:1")
                .send()
                .await();
        assertEquals(503, r.statusCode());
        assertEquals("1", r.getHeader("retry-after"));
    }

    @Test
    void anOwnerThatDoesNotAnswerIsARetryable503() {
        int closed = b.actualPort();
        b.close().await();
        owners.put("gone", new StatusOwners.Remote("127.0.0.1", closed));
        HttpResponse<Buffer> r = status(a, "gone");
        assertEquals(503, r.statusCode());
        assertEquals("1", r.getHeader("retry-after"));
    }
}
