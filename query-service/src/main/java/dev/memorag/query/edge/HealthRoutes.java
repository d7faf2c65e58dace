package dev.memorag.query.edge;

import dev.memorag.health.Health;
import io.vertx.ext.web.Router;

/**
 * {@code /health} (liveness: 503 once a part of the process has stopped for good, so that it is restarted) and
 * {@code /ready} (503 while any part is not working), both listing every part's state, so an operator sees which part
 * is down. Shared by every Vert.x router of the project.
 */
public final class HealthRoutes {
    private HealthRoutes() {}

    public static void mount(Router router, Health health) {
        router.get("/health")
                .handler(ctx -> ctx.response()
                        .setStatusCode(health.live() ? 200 : 503)
                        .putHeader("content-type", "application/json")
                        .end(dev.memorag.schemas.Json.writeString(health.livenessReport())));
        router.get("/ready")
                .handler(ctx -> ctx.response()
                        .setStatusCode(health.ready() ? 200 : 503)
                        .putHeader("content-type", "application/json")
                        .end(dev.memorag.schemas.Json.writeString(health.readinessReport())));
    }
}
