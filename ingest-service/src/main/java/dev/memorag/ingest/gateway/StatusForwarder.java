package dev.memorag.ingest.gateway;

import dev.memorag.edge.HttpErrors;
import dev.memorag.ingest.status.StatusOwners;
import dev.memorag.schemas.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Sends a request that reads a corpus's document status to the ingest instance that owns the corpus
 * ({@link StatusOwners}) and passes its answer back; lets it through where this instance owns it. A request is
 * forwarded at most once: one that arrives forwarded at an instance that no longer owns the corpus (a rebalance
 * moved it in between) is answered 503 with {@code retry-after}, as is any request while the owner is unknown.
 */
final class StatusForwarder implements Handler<RoutingContext> {
    /** On a forwarded request: the instance it came from. On the answer: the instance that answered it. */
    static final String FORWARDED_BY = "x-memorag-forwarded-by";

    static final String ANSWERED_BY = "x-memorag-answered-by";
    private static final List<String> REQUEST_HEADERS = List.of("authorization", "content-type", "accept");
    private static final List<String> RESPONSE_HEADERS = List.of("content-type", "location", "retry-after");
    private static final long TIMEOUT_MS = 30_000;

    private final StatusOwners owners;
    private final HttpClientAgent client;

    StatusForwarder(Vertx vertx, StatusOwners owners) {
        this.owners = owners;
        this.client = vertx.createHttpClient();
    }

    @Override
    public void handle(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        StatusOwners.Owner owner;
        try {
            owner = owners.ownerOf(corpus);
        } catch (RuntimeException e) {
            owner = new StatusOwners.Unknown("the owner of corpus '" + corpus + "' cannot be looked up: " + e);
        }
        if (owner instanceof StatusOwners.Local) {
            ctx.next();
        } else if (owner instanceof StatusOwners.Remote remote) {
            if (ctx.request().getHeader(FORWARDED_BY) != null) {
                HttpErrors.send(
                        ctx.response(),
                        ErrorCode.UNAVAILABLE,
                        "corpus '" + corpus + "' is moving between ingest instances (now at " + remote
                                + "); retry shortly");
            } else {
                forward(ctx, remote);
            }
        } else {
            HttpErrors.send(
                    ctx.response(), ErrorCode.UNAVAILABLE, ((StatusOwners.Unknown) owner).reason() + "; retry shortly");
        }
    }

    private void forward(RoutingContext ctx, StatusOwners.Remote owner) {
        HttpServerRequest in = ctx.request();
        RequestOptions options = new RequestOptions()
                .setMethod(in.method())
                .setHost(owner.host())
                .setPort(owner.port())
                .setURI(in.uri())
                .setTimeout(TIMEOUT_MS)
                .putHeader(FORWARDED_BY, in.localAddress().toString());
        for (String name : REQUEST_HEADERS) {
            String value = in.getHeader(name);
            if (value != null) {
                options.putHeader(name, value);
            }
        }
        Buffer body = ctx.body().buffer();
        client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(answer -> reply(ctx, owner, response, answer)))
                .onFailure(e -> HttpErrors.send(
                        ctx.response(),
                        ErrorCode.UNAVAILABLE,
                        "the ingest instance owning corpus '" + ctx.pathParam("corpus") + "' (" + owner
                                + ") did not answer: " + e.getMessage() + "; retry shortly"));
    }

    private static Void reply(
            RoutingContext ctx, StatusOwners.Remote owner, HttpClientResponse response, Buffer answer) {
        ctx.response().setStatusCode(response.statusCode()).putHeader(ANSWERED_BY, owner.toString());
        for (String name : RESPONSE_HEADERS) {
            String value = response.getHeader(name);
            if (value != null) {
                ctx.response().putHeader(name, value);
            }
        }
        ctx.response().end(answer);
        return null;
    }
}
