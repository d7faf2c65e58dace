package dev.memorag.query.edge;

import dev.memorag.query.routing.RecallRouter;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Map;

/** The public HTTP routes of the query service. */
public final class HttpEdge {
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private HttpEdge() {
    }

    public static Router router(Vertx vertx, RecallRouter recall, Duration answerTimeout) {
        Router router = Router.router(vertx);
        router.get("/health").handler(ctx -> ctx.json(Map.of("status", "UP", "inFlight", recall.inFlight())));
        router.post("/v1/corpora/:corpus/ask")
                .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
                .handler(new AskHandler(vertx, recall, answerTimeout));
        return router;
    }
}
