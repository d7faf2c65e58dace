package dev.memorag.query.edge;

import dev.memorag.health.Health;
import dev.memorag.query.QueryConfig;
import dev.memorag.query.access.Access;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.routing.RecallRouter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;

/**
 * One instance of the public HTTP server with its own router ({@link HttpEdge#router}). Deployed with several
 * instances, Vert.x shares the listening port and spreads connections over their event loops; what the instances
 * share (routing to the workers, access, per-corpus limits, health, metrics) is thread-safe and passed in. Work that
 * would hold an event loop (rendering the metrics) runs on the named worker pool {@value #BLOCKING_POOL}.
 */
public final class HttpEdgeVerticle extends VerticleBase {
    static final String BLOCKING_POOL = "memorag-query-blocking";

    private final QueryConfig config;
    private final RecallRouter recall;
    private final Access access;
    private final QuestionLimits limits;
    private final PrometheusMeterRegistry metrics;
    private final Health health;
    private WorkerExecutor blocking;
    private HttpServer server;

    public HttpEdgeVerticle(
            QueryConfig config,
            RecallRouter recall,
            Access access,
            QuestionLimits limits,
            PrometheusMeterRegistry metrics,
            Health health) {
        this.config = config;
        this.recall = recall;
        this.access = access;
        this.limits = limits;
        this.metrics = metrics;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        blocking = vertx.createSharedWorkerExecutor(BLOCKING_POOL, 2);
        // port 0 asks for any free port; a negative port is Vert.x's way to have every instance share that one
        int port = config.httpPort() == 0 ? -1 : config.httpPort();
        return vertx.createHttpServer(HttpEdge.serverOptions(config.limits()))
                .requestHandler(HttpEdge.router(vertx, config, recall, access, limits, metrics, health, blocking))
                .listen(port, config.host())
                .onSuccess(s -> server = s);
    }

    /** The port this instance listens on (the same for every instance). */
    public int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        return server.close().onComplete(v -> blocking.close());
    }
}
