package dev.memorag.ingest.gateway;

import dev.memorag.health.Health;
import dev.memorag.ingest.status.StatusOwners;
import dev.memorag.ingest.status.StatusView;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;

/**
 * The ingest gateway: corpora, documents and their status over HTTP. Writes go to Kafka; status comes from the
 * admission application's stores.
 */
public final class IngestGateway extends VerticleBase {
    private final GatewayConfig config;
    private final String bootstrapServers;
    private final TopicCatalog topics;
    private final StatusView status;
    private final StatusOwners owners;
    private final Health health;
    private final Path uploads;
    private RecordPublisher publisher;
    private HttpServer server;

    /**
     * {@code status}: this instance's stores; {@code owners}: which instance answers each corpus's status;
     * {@code health}: the process's, served as {@code GET /health} and {@code GET /ready}.
     */
    public IngestGateway(
            GatewayConfig config,
            String bootstrapServers,
            TopicCatalog topics,
            StatusView status,
            StatusOwners owners,
            Health health,
            Path uploads) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.status = status;
        this.owners = owners;
        this.health = health;
        this.uploads = uploads;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> new RecordPublisher(vertx, bootstrapServers))
                .compose(p -> {
                    publisher = p;
                    return vertx.createHttpServer()
                            .requestHandler(
                                    new IngestRoutes(vertx, config, topics, status, owners, health, publisher, uploads)
                                            .router())
                            .listen(config.port(), config.host());
                })
                .onSuccess(s -> server = s);
    }

    /** The bound HTTP port (useful when configured as 0). */
    public int httpPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.compose(v -> vertx.executeBlocking(() -> {
            if (publisher != null) {
                publisher.close();
            }
            return null;
        }));
    }
}
