package dev.memorag.app;

import static dev.memorag.settings.SettingsCatalogue.ADVERTISED_HOST;
import static dev.memorag.settings.SettingsCatalogue.BIND_HOST;
import static dev.memorag.settings.SettingsCatalogue.HEALTH_PORT;
import static dev.memorag.settings.SettingsCatalogue.HTTP_INSTANCES;
import static dev.memorag.settings.SettingsCatalogue.HTTP_PORT;
import static dev.memorag.settings.SettingsCatalogue.INGEST_PORT;
import static dev.memorag.settings.SettingsCatalogue.INGEST_URL;
import static dev.memorag.settings.SettingsCatalogue.INSTANCE_ID;
import static dev.memorag.settings.SettingsCatalogue.KAFKA_PORT;
import static dev.memorag.settings.SettingsCatalogue.MAX_TEXT_CHARS;
import static dev.memorag.settings.SettingsCatalogue.RECALL_THREADS;
import static dev.memorag.settings.SettingsCatalogue.SESSION_TIMEOUT;

import dev.memorag.embedding.Embedder;
import dev.memorag.health.Health;
import dev.memorag.ingest.admission.AdmissionConfig;
import dev.memorag.ingest.admission.AdmissionService;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.ingest.gateway.GatewayConfig;
import dev.memorag.ingest.gateway.IngestGateway;
import dev.memorag.ingest.status.StatusView;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.query.QueryConfig;
import dev.memorag.query.QueryService;
import dev.memorag.query.edge.HealthRoutes;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Part;
import dev.memorag.settings.SettingException;
import dev.memorag.worker.WorkerConfig;
import dev.memorag.worker.WorkerRuntime;
import dev.memorag.worker.recall.RecallService;
import dev.memorag.worker.store.CorpusStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything in one JVM on 127.0.0.1: a KRaft broker, the admission Streams app and the ingest gateway, the
 * chunk-and-embed job on a Flink MiniCluster, one memory worker and one query service. Parts start in data-flow
 * order and stop in reverse; a part that fails to start stops the ones already running. {@code MEMORAG_PARTS} may
 * pick some of the parts, so that the same code runs them as separate processes around a shared broker.
 */
public final class EmbeddedStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);
    /** Streams' internal topics take the cluster's default.replication.factor: 1 embedded, 3 on a real cluster. */
    private static final int CLUSTER_DEFAULT_REPLICATION = -1;

    private final StackConfig config;
    private final Deployment deployment;
    private String bootstrap;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    /** What every part of this process reports into; {@code /health} and {@code /ready} read it. */
    private final Health health = new Health();
    /** The process's meters; the query service's {@code /metrics} (or the health server's) serves them. */
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private EmbeddedKafkaBroker broker;
    private CorpusStore store;
    private RecallService recall;
    private QueryService query;
    private IngestGateway gateway;
    private String adminToken;
    private HttpServer healthServer;
    private StatusView statusView;

    private EmbeddedStack(StackConfig config, Deployment deployment) {
        this.config = config;
        this.deployment = deployment;
    }

    /** Starts the parts {@code MEMORAG_PARTS} names; the others are expected to run elsewhere. */
    public static EmbeddedStack start(StackConfig config) throws Exception {
        EmbeddedStack stack = new EmbeddedStack(config, config.deployment());
        try {
            stack.startParts();
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    private void startParts() throws Exception {
        TopicCatalog topics = config.topics();
        if (deployment.runs(Part.BROKER)) {
            broker = EmbeddedKafkaBroker.start(config.dataDir().resolve("kafka"), config.get(KAFKA_PORT));
            running.push(broker);
            bootstrap = broker.bootstrapServers();
        } else {
            bootstrap = deployment.bootstrapServers();
        }
        TopicCreator.ensure(bootstrap, topics.all());
        adminToken = config.resolveAdminToken();
        Vertx vertx = Vertx.vertx();
        running.push(() -> vertx.close().await());
        running.push(metrics::close);

        if (deployment.runs(Part.INGEST)) {
            AdmissionService admission = new AdmissionService(
                    bootstrap,
                    topics,
                    AdmissionConfig.of(config.settings()),
                    config.dataDir().resolve("streams"),
                    CLUSTER_DEFAULT_REPLICATION,
                    advertisedGateway(),
                    health);
            admission.start();
            running.push(admission);
            admission.awaitRunning(Duration.ofMinutes(2));
            statusView = admission.statusView();
            gateway = new IngestGateway(
                    new GatewayConfig(
                            config.get(BIND_HOST),
                            config.get(INGEST_PORT),
                            adminToken,
                            GatewayConfig.DEFAULT_MAX_UPLOAD_BYTES,
                            config.get(MAX_TEXT_CHARS)),
                    bootstrap,
                    topics,
                    statusView,
                    admission.statusOwners(),
                    health,
                    config.dataDir().resolve("uploads"));
            vertx.deployVerticle(gateway).await();
        }
        if (deployment.runs(Part.CHUNKER)) {
            running.push(new FlinkMiniCluster(
                    bootstrap,
                    topics,
                    ChunkJobConfig.inProcess(config.settings()),
                    config.dataDir().resolve("chunker"),
                    health.part("chunker.job")));
        }
        if (deployment.runs(Part.WORKER)) {
            WorkerRuntime worker = WorkerRuntime.start(
                    new WorkerConfig(
                            bootstrap,
                            config.dataDir().resolve("worker"),
                            config.get(RECALL_THREADS),
                            config.get(INSTANCE_ID),
                            config.get(SESSION_TIMEOUT),
                            config.model(),
                            config.retrieval()),
                    topics,
                    Embedder.shared(),
                    health,
                    metrics);
            running.push(worker);
            store = worker.store();
            recall = worker.recall();
        }
        if (deployment.runs(Part.QUERY)) {
            query = new QueryService(
                    new QueryConfig(
                            bootstrap,
                            config.get(BIND_HOST),
                            config.get(HTTP_PORT),
                            adminToken,
                            config.edge(),
                            config.questions(),
                            gatewayUrl(),
                            config.get(HTTP_INSTANCES)),
                    topics,
                    health,
                    metrics);
            vertx.deployVerticle(query).await();
        }
        if (!deployment.runs(Part.INGEST) && !deployment.runs(Part.QUERY)) {
            // no HTTP part to serve the probes on: a worker's or chunker's own small server
            Router probes = Router.router(vertx);
            HealthRoutes.mount(probes, health);
            probes.get("/metrics")
                    .handler(ctx -> ctx.response()
                            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                            .end(metrics.scrape()));
            healthServer = vertx.createHttpServer()
                    .requestHandler(probes)
                    .listen(config.get(HEALTH_PORT), config.get(BIND_HOST))
                    .await();
        }
    }

    /** Where other ingest instances reach this gateway, when several run ({@code MEMORAG_ADVERTISED_HOST}). */
    private HostInfo advertisedGateway() {
        if (config.get(ADVERTISED_HOST) == null) {
            return null;
        }
        if (config.get(INGEST_PORT) == 0) {
            throw new SettingException(ADVERTISED_HOST + " needs a fixed " + INGEST_PORT
                    + ", not 0: the other ingest instances forward to it");
        }
        return new HostInfo(config.get(ADVERTISED_HOST), config.get(INGEST_PORT));
    }

    /**
     * The gateway the query service forwards the console's ingest calls to: {@code MEMORAG_INGEST_URL} when given,
     * else the gateway this process runs (on its real port, which may have been picked free), else the setting's
     * default.
     */
    private String gatewayUrl() {
        if (gateway != null && !config.settings().given(INGEST_URL)) {
            return ingestUrl();
        }
        return config.get(INGEST_URL).toString().replaceAll("/+$", "");
    }

    /** Where this process serves {@code /health}, {@code /ready}, {@code /metrics} when it runs no HTTP part. */
    public String healthUrl() {
        return "http://127.0.0.1:" + healthServer.actualPort();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public Deployment deployment() {
        return deployment;
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + query.httpPort();
    }

    public String ingestUrl() {
        return "http://127.0.0.1:" + gateway.httpPort();
    }

    /** Corpus registry and document status, as the gateway sees them. */
    public StatusView statusView() {
        return statusView;
    }

    /** The token that creates corpora (and may act on any corpus). */
    public String adminToken() {
        return adminToken;
    }

    /** The worker's store, for progress reports of the embedded stack. */
    public CorpusStore store() {
        return store;
    }

    /** The worker's recall service, for its cancellation count in tests. */
    public RecallService recall() {
        return recall;
    }

    /** The health of every part this process runs. */
    public Health health() {
        return health;
    }

    public StackConfig config() {
        return config;
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            AutoCloseable part = running.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
