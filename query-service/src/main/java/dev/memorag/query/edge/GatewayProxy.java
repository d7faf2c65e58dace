package dev.memorag.query.edge;

import dev.memorag.edge.HttpErrors;
import dev.memorag.schemas.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;

/**
 * Forwards the ingest gateway's corpus and document routes, so that the web console (served here) talks to one
 * origin: no CORS, and the token stays an {@code Authorization} header. Bodies are streamed both ways (an upload is
 * never buffered here) and the gateway's answer, status and JSON error included, is passed on as it is: the gateway
 * checks the tokens of these routes, so a corpus created a moment ago is usable at once, before this service's
 * registry has read it.
 */
public final class GatewayProxy {
    /** Request headers the gateway needs; nothing else (cookies, hop-by-hop headers) is forwarded. */
    private static final List<String> REQUEST_HEADERS =
            List.of("authorization", "content-type", "content-length", "accept");

    private static final List<String> RESPONSE_HEADERS =
            List.of("content-type", "content-length", "location", "retry-after");
    private static final long IDLE_TIMEOUT_MS = 120_000;

    private final HttpClientAgent client;
    private final String root;
    private final String host;
    private final int port;

    private GatewayProxy(Vertx vertx, String root) {
        this.root = root;
        URI uri = URI.create(root);
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setSsl("https".equals(uri.getScheme()))
                .setDefaultHost(host)
                .setDefaultPort(port));
    }

    /**
     * Mounts the forwarded routes on {@code router}; they must come before the routes that check tokens here.
     * {@code ingestUrl} null: the routes answer 503 saying the gateway is not configured.
     */
    public static void mount(Vertx vertx, Router router, String ingestUrl) {
        GatewayProxy proxy = ingestUrl == null ? null : new GatewayProxy(vertx, ingestUrl.replaceAll("/+$", ""));
        io.vertx.core.Handler<RoutingContext> handler = ctx -> {
            if (proxy == null) {
                ctx.request().pause();
                HttpErrors.send(
                        ctx.response(),
                        ErrorCode.UNAVAILABLE,
                        "no ingest gateway is configured for this query service (MEMORAG_INGEST_URL)");
            } else {
                proxy.forward(ctx, ctx.request().uri());
            }
        };
        router.route("/v1/corpora").handler(handler);
        router.route("/v1/corpora/:corpus/documents").handler(handler);
        router.route("/v1/corpora/:corpus/documents/*").handler(handler);
        router.get("/v1/corpora/:corpus/status").handler(handler);
        // the gateway's readiness, for the console's health panel
        router.get("/ingest/ready").handler(ctx -> {
            if (proxy == null) {
                handler.handle(ctx);
            } else {
                proxy.forward(ctx, "/ready");
            }
        });
    }

    private void forward(RoutingContext ctx, String uri) {
        HttpServerRequest in = ctx.request();
        in.pause(); // the body waits until the gateway's request is open
        HttpServerResponse out = ctx.response();
        RequestOptions options = new RequestOptions()
                .setMethod(in.method())
                .setHost(host)
                .setPort(port)
                .setURI(uri)
                .setIdleTimeout(IDLE_TIMEOUT_MS);
        for (String name : REQUEST_HEADERS) {
            String value = in.getHeader(name);
            if (value != null) {
                options.putHeader(name, value);
            }
        }
        client.request(options)
                .compose(request -> send(request, in))
                .onSuccess(response -> {
                    out.setStatusCode(response.statusCode());
                    for (String name : RESPONSE_HEADERS) {
                        String value = response.getHeader(name);
                        if (value != null) {
                            out.putHeader(name, value);
                        }
                    }
                    if (response.getHeader("content-length") == null) {
                        out.setChunked(true);
                    }
                    response.pipeTo(out);
                })
                .onFailure(e -> {
                    in.resume();
                    HttpErrors.send(
                            out,
                            ErrorCode.UNAVAILABLE,
                            "the ingest gateway at " + root + " did not answer: " + e.getMessage());
                });
    }

    private static io.vertx.core.Future<HttpClientResponse> send(HttpClientRequest request, HttpServerRequest in) {
        boolean hasBody = in.getHeader("content-length") != null || in.getHeader("transfer-encoding") != null;
        if (!hasBody) {
            in.resume();
            return request.send();
        }
        if (in.getHeader("content-length") == null) {
            request.setChunked(true);
        }
        return request.send(in);
    }
}
