package dev.memorag.query.edge;

import dev.memorag.edge.HttpErrors;
import dev.memorag.health.Health;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.QueryConfig;
import dev.memorag.query.access.Access;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.openai.OpenAiRoutes;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.schemas.ErrorInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Optional;

/** The public HTTP routes of the query service. */
public final class HttpEdge {
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private HttpEdge() {}

    /**
     * A WebSocket frame longer than a whole message may be is refused before it is read ({@link RefusedFrameCloser}
     * tells the client why); messages are reassembled and bounded by {@link SocketSession}, Vert.x's bound matches.
     */
    public static HttpServerOptions serverOptions(EdgeLimits edge) {
        return new HttpServerOptions()
                .setMaxWebSocketFrameSize(edge.socketMaxMessageBytes())
                .setMaxWebSocketMessageSize(edge.socketMaxMessageBytes());
    }

    /**
     * Every route of the query service, in one place. {@code limits} are shared by all HTTP instances of the
     * process; {@code blocking} runs what would hold the event loop.
     */
    public static Router router(
            Vertx vertx,
            QueryConfig config,
            RecallRouter recall,
            Access access,
            QuestionLimits limits,
            PrometheusMeterRegistry metrics,
            Health health,
            WorkerExecutor blocking) {
        EdgeLimits edge = config.limits();
        HttpQuestion questions = new HttpQuestion(vertx, recall, limits, edge.answerTimeout());
        Router router = Router.router(vertx);
        HealthRoutes.mount(router, health);
        router.get("/metrics")
                .handler(ctx -> blocking.executeBlocking(metrics::scrape).onComplete(text -> {
                    if (text.succeeded()) {
                        ctx.response()
                                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                                .end(text.result());
                    } else {
                        ctx.fail(text.cause());
                    }
                }));
        // the gateway's corpus and document routes, forwarded (the gateway checks their tokens)
        GatewayProxy.mount(vertx, router, config.ingestUrl());
        router.route("/v1/corpora/:corpus/*").handler(ctx -> {
            HttpServerRequest request = ctx.request();
            String corpus = ctx.pathParam("corpus");
            Future<Void> seen = access.whenSeen(vertx, request, corpus);
            boolean waiting = !seen.isComplete();
            if (waiting) {
                request.pause(); // the body handler further on resumes it; nothing may be read before
            }
            seen.onComplete(v -> {
                Optional<ErrorInfo> denied = access.check(request, corpus);
                if (denied.isPresent()) {
                    HttpErrors.send(ctx.response(), denied.get());
                    if (waiting) request.resume();
                } else {
                    // a GET (a WebSocket upgrade) has no body to lose and needs its end read to upgrade
                    if (waiting && request.method() == HttpMethod.GET) request.resume();
                    ctx.next();
                }
            });
        });
        router.post("/v1/corpora/:corpus/ask")
                .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
                .handler(new AskHandler(questions));
        OpenAiRoutes.mount(router, access, questions, MAX_BODY_BYTES);
        router.get("/v1/corpora/:corpus/ws").handler(new SocketHandler(vertx, recall, limits, edge));
        router.get("/").handler(ctx -> ctx.redirect("/console/"));
        router.route("/console/*").handler(StaticHandler.create("console"));
        HttpErrors.answerRoutingErrors(router);
        return router;
    }
}
