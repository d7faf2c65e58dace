package dev.memorag.query.edge;

import dev.memorag.edge.HttpErrors;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.schemas.ErrorCode;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/corpora/:corpus/ws}: the token was checked before the upgrade (a refused client gets an HTTP
 * 401/403 with a JSON body); hands the socket to a {@link SocketSession}.
 */
final class SocketHandler implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final RecallRouter router;
    private final QuestionLimits limits;
    private final EdgeLimits edge;

    SocketHandler(Vertx vertx, RecallRouter router, QuestionLimits limits, EdgeLimits edge) {
        this.vertx = vertx;
        this.router = router;
        this.limits = limits;
        this.edge = edge;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        ctx.request()
                .toWebSocket()
                .onSuccess(socket -> {
                    // Vert.x has no public hook for a refused frame: the socket keeps the HTTP connection's channel,
                    // and Netty's handshaker names its frame decoder "wsdecoder"
                    Channel channel = ((ConnectionBase) ctx.request().connection()).channel();
                    channel.pipeline()
                            .addAfter(
                                    "wsdecoder",
                                    "refused-frames",
                                    new RefusedFrameCloser(SocketSession.tooBig(edge.socketMaxMessageBytes())));
                    new SocketSession(vertx, socket, corpus, router, limits, edge).start();
                })
                .onFailure(e -> HttpErrors.send(
                        ctx.response(), ErrorCode.SCHEMA_VIOLATION, "not a WebSocket upgrade: " + e.getMessage()));
    }
}
