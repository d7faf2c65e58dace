package dev.memorag.query.edge;

import dev.memorag.query.access.Access;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /v1/corpora/:corpus/ws}: checks the token before the upgrade (so a refused client gets an HTTP 401/403
 * with a JSON body), then hands the socket to a {@link SocketSession}.
 */
final class SocketHandler implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final RecallRouter router;
    private final Access access;
    private final QuestionLimits limits;
    private final Duration timeout;
    private final int bufferBytes;

    SocketHandler(Vertx vertx, RecallRouter router, Access access, QuestionLimits limits, Duration timeout,
                  int bufferBytes) {
        this.vertx = vertx;
        this.router = router;
        this.access = access;
        this.limits = limits;
        this.timeout = timeout;
        this.bufferBytes = bufferBytes;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        Optional<ErrorInfo> denied = access.check(ctx.request(), corpus);
        if (denied.isPresent()) {
            HttpErrors.send(ctx.response(), HttpErrors.statusOf(denied.get()), denied.get());
            return;
        }
        ctx.request().toWebSocket()
                .onSuccess(socket -> new SocketSession(vertx, socket, corpus, router, limits, timeout, bufferBytes)
                        .start())
                .onFailure(e -> HttpErrors.send(ctx.response(), 400,
                        ErrorInfo.of(ErrorCode.SCHEMA_VIOLATION, "not a WebSocket upgrade: " + e.getMessage())));
    }
}
