package dev.memorag.app;

import dev.memorag.ingest.admission.AdmissionConfig;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.query.QueryConfig;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.worker.ModelSettings;
import dev.memorag.worker.gist.GistSettings;
import dev.memorag.worker.WorkerConfig;
import dev.memorag.worker.retrieval.RetrievalSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every setting of the stack, in one place: each has a default, an environment variable and (for those a process
 * usually overrides) a CLI option of {@code bin/memorag up} and of the per-service commands ({@code --help}). The
 * parts a process runs and its Kafka are in {@link Deployment}; the query edge's limits in {@link EdgeLimits}; the
 * Flink cluster job reads the same variables ({@code ChunkEmbedJob#main}). The Kubernetes manifests in
 * {@code deploy/} use only these variables ({@code DeployManifestsTest} checks it).
 *
 * @param dataDir         {@code MEMORAG_DATA_DIR} ({@code --data-dir}), default {@code ./data}: broker log, Streams
 *                        state and worker RocksDB live under it
 * @param kafkaPort       {@code MEMORAG_KAFKA_PORT} ({@code --kafka-port}), default 9092: the embedded broker's port
 *                        on 127.0.0.1 (0 picks a free one)
 * @param httpPort        {@code MEMORAG_HTTP_PORT} ({@code --http-port}), default 8080: the query service's HTTP port
 *                        (0 picks a free one)
 * @param ingestPort      {@code MEMORAG_INGEST_PORT} ({@code --ingest-port}), default 8081: the ingest gateway's HTTP
 *                        port (0 picks a free one)
 * @param healthPort      {@code MEMORAG_HEALTH_PORT} ({@code --health-port}), default 8082: where a process that runs
 *                        neither the query service nor the ingest gateway (a worker, a chunker, a broker) serves
 *                        {@code /health}, {@code /ready} and {@code /metrics} (0 picks a free one)
 * @param bindHost        {@code MEMORAG_BIND_HOST} ({@code --bind-host}): interface the HTTP servers listen on,
 *                        default 127.0.0.1; 0.0.0.0 in a container
 * @param instanceId      {@code MEMORAG_INSTANCE_ID} ({@code --instance-id}): a worker's static consumer-group
 *                        membership ({@code group.instance.id}), stable across its restarts (the pod name of a
 *                        StatefulSet); unset by default: dynamic membership. Two live workers must never share an id
 * @param recallThreads   {@code MEMORAG_RECALL_THREADS}, default 2: questions a worker answers at once
 * @param sessionTimeout  {@code MEMORAG_SESSION_TIMEOUT}, default PT10S: how long a worker may be silent before its
 *                        partitions move to the others; with static membership, a restart within it keeps them.
 *                        Longer rides out rolling restarts, shorter fails over faster (deploy/SCALING.md)
 * @param adminToken      {@code MEMORAG_ADMIN_TOKEN}: bearer token that creates corpora; when unset, one is generated
 *                        once and kept in {@code <data dir>/admin.token}
 * @param topicPrefix     {@code MEMORAG_TOPIC_PREFIX}, default {@code memorag.}: prefix of every topic name
 * @param partitions      {@code MEMORAG_PARTITIONS}, default 4: partitions of the corpus-keyed topics
 * @param chunkTokens     {@code MEMORAG_CHUNK_TOKENS}, default 512: passage budget in retriever tokens
 * @param maxTextChars    {@code MEMORAG_MAX_TEXT_CHARS}, default 900000: largest document admission accepts
 * @param checkpointInterval {@code MEMORAG_CHECKPOINT_INTERVAL} (ISO-8601, e.g. {@code PT1S}): how often the
 *                        chunk job commits; chunks become visible to read_committed consumers at each commit
 * @param edge            the query edge's timeouts and limits, each with its variable ({@link EdgeLimits})
 * @param questions       how Kafka questions are confined: {@code MEMORAG_REPLY_TOPICS}, {@code
 *                        MEMORAG_KAFKA_QUESTIONS_TRUSTED}, {@code MEMORAG_QUESTION_DEDUP_WINDOW} ({@link KafkaQuestions})
 * @param model           the worker's memory model and generator ({@link ModelSettings}): {@code MEMORAG_MEMORY}
 *                        (none, beacon, gist; unset: beacon with a model dir, else none), {@code MEMORAG_MODEL_DIR}
 *                        (checkpoint directory), {@code MEMORAG_DEVICE} (cpu, cuda, auto; default cpu), {@code
 *                        MEMORAG_DTYPE} (auto, fp32, bf16; default auto), {@code MEMORAG_BEACON_RATIO} (default 4),
 *                        {@code
 *                        MEMORAG_MEMORY_CACHE_BYTES} (device cache for hot memories, default 2 GiB), {@code
 *                        MEMORAG_GENERATOR} (extractive, djl, openai; default extractive), {@code MEMORAG_OPENAI_URL},
 *                        {@code MEMORAG_OPENAI_MODEL}, {@code MEMORAG_OPENAI_API_KEY}, {@code MEMORAG_MEMORY_MODEL}
 *                        (gists and clues; default the OpenAI model), {@code MEMORAG_GIST_TOKENS} (default 4096),
 *                        {@code MEMORAG_GIST_CONTEXT_TOKENS} (default 16384)
 * @param retrieval       how the worker finds passages ({@link RetrievalSettings}): {@code MEMORAG_RETRIEVAL} (dense,
 *                        bm25, hybrid; default hybrid) for questions that name none, {@code MEMORAG_ANN_THRESHOLD}
 *                        (default 20000 passages: from there a corpus's vectors are searched in an HNSW graph), {@code
 *                        MEMORAG_INDEX_CACHE_BYTES} (heap for corpus indexes, LRU by bytes, default 1 GiB)
 * @param ingestUrl       {@code MEMORAG_INGEST_URL}: the ingest gateway the query service forwards the web console's
 *                        corpus and document calls to (one origin for the browser); unset: the gateway of this
 *                        process when it runs one, else {@code http://127.0.0.1:<ingest port>}
 * @param advertisedHost  {@code MEMORAG_ADVERTISED_HOST} ({@code --advertised-host}): the name other ingest
 *                        instances reach this one's gateway by (with the ingest port: Kafka Streams'
 *                        {@code application.server}), so that several ingest instances each serve the document status
 *                        of their partitions and forward the rest; unset (the default): one ingest instance answers
 *                        everything
 * @param httpInstances   {@code MEMORAG_HTTP_INSTANCES} ({@code --http-instances}), default the number of cores: HTTP
 *                        server verticles of the query service, sharing its port, each on its own event loop
 */
public record StackConfig(Path dataDir, int kafkaPort, int httpPort, int ingestPort, int healthPort, String bindHost,
                          String instanceId, int recallThreads, Duration sessionTimeout, String adminToken,
                          String topicPrefix, int partitions, int chunkTokens, int maxTextChars,
                          Duration checkpointInterval, EdgeLimits edge, KafkaQuestions questions,
                          ModelSettings model, RetrievalSettings retrieval,
                          URI ingestUrl, String advertisedHost, int httpInstances) {

    public static StackConfig defaults() {
        return new StackConfig(Path.of("data"), 9092, 8080, 8081, 8082, "127.0.0.1", null,
                WorkerConfig.DEFAULT_RECALL_THREADS, WorkerConfig.DEFAULT_SESSION_TIMEOUT, null,
                TopicCatalog.DEFAULT_PREFIX, TopicCatalog.DEFAULT_PARTITIONS, ChunkJobConfig.DEFAULT_CHUNK_TOKENS,
                AdmissionConfig.DEFAULT_MAX_TEXT_CHARS, ChunkJobConfig.defaults().checkpointInterval(),
                EdgeLimits.defaults(), KafkaQuestions.defaults(), ModelSettings.defaults(),
                RetrievalSettings.defaults(), null, null, QueryConfig.DEFAULT_HTTP_INSTANCES);
    }

    /** Defaults overridden by any {@code MEMORAG_*} variable present in {@code env}. */
    public static StackConfig fromEnvironment(Map<String, String> env) {
        StackConfig d = defaults();
        EdgeLimits e = d.edge;
        ModelSettings m = d.model;
        RetrievalSettings r = d.retrieval;
        return new StackConfig(
                get(env, "MEMORAG_DATA_DIR", Path::of, d.dataDir),
                get(env, "MEMORAG_KAFKA_PORT", Integer::parseInt, d.kafkaPort),
                get(env, "MEMORAG_HTTP_PORT", Integer::parseInt, d.httpPort),
                get(env, "MEMORAG_INGEST_PORT", Integer::parseInt, d.ingestPort),
                get(env, "MEMORAG_HEALTH_PORT", Integer::parseInt, d.healthPort),
                get(env, "MEMORAG_BIND_HOST", Function.identity(), d.bindHost),
                get(env, "MEMORAG_INSTANCE_ID", Function.identity(), d.instanceId),
                get(env, "MEMORAG_RECALL_THREADS", Integer::parseInt, d.recallThreads),
                get(env, "MEMORAG_SESSION_TIMEOUT", Duration::parse, d.sessionTimeout),
                get(env, "MEMORAG_ADMIN_TOKEN", Function.identity(), d.adminToken),
                get(env, "MEMORAG_TOPIC_PREFIX", Function.identity(), d.topicPrefix),
                get(env, "MEMORAG_PARTITIONS", Integer::parseInt, d.partitions),
                get(env, "MEMORAG_CHUNK_TOKENS", Integer::parseInt, d.chunkTokens),
                get(env, "MEMORAG_MAX_TEXT_CHARS", Integer::parseInt, d.maxTextChars),
                get(env, "MEMORAG_CHECKPOINT_INTERVAL", Duration::parse, d.checkpointInterval),
                new EdgeLimits(
                        get(env, "MEMORAG_ANSWER_TIMEOUT", Duration::parse, e.answerTimeout()),
                        get(env, "MEMORAG_MAX_IN_FLIGHT_PER_CORPUS", Integer::parseInt, e.maxInFlightPerCorpus()),
                        get(env, "MEMORAG_QUESTIONS_PER_SECOND", Double::parseDouble, e.questionsPerSecond()),
                        get(env, "MEMORAG_SOCKET_BUFFER_BYTES", Integer::parseInt, e.socketBufferBytes()),
                        get(env, "MEMORAG_SOCKET_MAX_MESSAGE_BYTES", Integer::parseInt, e.socketMaxMessageBytes()),
                        get(env, "MEMORAG_SOCKET_MAX_AGE", Duration::parse, e.socketMaxAge())),
                new KafkaQuestions(
                        get(env, "MEMORAG_REPLY_TOPICS", Pattern::compile, d.questions.replyTopics()),
                        get(env, "MEMORAG_KAFKA_QUESTIONS_TRUSTED", StackConfig::bool, d.questions.trusted()),
                        get(env, "MEMORAG_QUESTION_DEDUP_WINDOW", Duration::parse, d.questions.dedupWindow())),
                new ModelSettings(
                        get(env, "MEMORAG_MEMORY", Function.identity(), null), // unset: implied by the model dir
                        get(env, "MEMORAG_MODEL_DIR", Path::of, m.modelDir()),
                        get(env, "MEMORAG_DEVICE", Function.identity(), m.device()),
                        get(env, "MEMORAG_DTYPE", Function.identity(), m.dtype()),
                        get(env, "MEMORAG_BEACON_RATIO", Integer::valueOf, m.beaconRatio()),
                        get(env, "MEMORAG_MEMORY_CACHE_BYTES", Long::parseLong, m.cacheBytes()),
                        get(env, "MEMORAG_GENERATOR", Function.identity(), m.generator()),
                        get(env, "MEMORAG_OPENAI_URL", URI::create, m.openAiUrl()),
                        get(env, "MEMORAG_OPENAI_MODEL", Function.identity(), m.openAiModel()),
                        get(env, "MEMORAG_OPENAI_API_KEY", Function.identity(), m.openAiKey()),
                        get(env, "MEMORAG_MEMORY_MODEL", Function.identity(), null),
                        new GistSettings(
                                get(env, "MEMORAG_GIST_TOKENS", Integer::parseInt, m.gist().groupTokens()),
                                get(env, "MEMORAG_GIST_CONTEXT_TOKENS", Integer::parseInt,
                                        m.gist().contextTokens()))),
                new RetrievalSettings(
                        get(env, "MEMORAG_RETRIEVAL", Question.Retrieval::of, r.mode()),
                        get(env, "MEMORAG_ANN_THRESHOLD", Integer::parseInt, r.annThreshold()),
                        get(env, "MEMORAG_INDEX_CACHE_BYTES", Long::parseLong, r.cacheBytes())),
                get(env, "MEMORAG_INGEST_URL", URI::create, d.ingestUrl),
                get(env, "MEMORAG_ADVERTISED_HOST", Function.identity(), d.advertisedHost),
                get(env, "MEMORAG_HTTP_INSTANCES", Integer::parseInt, d.httpInstances));
    }

    private static boolean bool(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static <T> T get(Map<String, String> env, String name, Function<String, T> parse, T fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return parse.apply(value.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not valid: " + e.getMessage(), e);
        }
    }

    public TopicCatalog topics() {
        return new TopicCatalog(topicPrefix, partitions);
    }

    public StackConfig withDataDir(Path dir) {
        return new StackConfig(dir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withPorts(int kafka, int http, int ingest) {
        return new StackConfig(dataDir, kafka, http, ingest, healthPort, bindHost, instanceId, recallThreads, sessionTimeout,
                adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withHealthPort(int port) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, port, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withBindHost(String host) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, host, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withInstanceId(String id) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, id, recallThreads, sessionTimeout,
                adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withChunkTokens(int tokens) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, tokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withModel(ModelSettings settings) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, settings, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withEdge(EdgeLimits limits) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, limits, questions, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    public StackConfig withIngestUrl(URI url) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, url, advertisedHost, httpInstances);
    }

    public StackConfig withAdvertisedHost(String host) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, host, httpInstances);
    }

    public StackConfig withHttpInstances(int instances) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, questions, model, retrieval, ingestUrl, advertisedHost, instances);
    }

    public StackConfig withQuestions(KafkaQuestions policy) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, healthPort, bindHost, instanceId, recallThreads,
                sessionTimeout, adminToken, topicPrefix, partitions, chunkTokens, maxTextChars,
                checkpointInterval, edge, policy, model, retrieval, ingestUrl, advertisedHost, httpInstances);
    }

    /** The configured admin token, or the one generated for this data directory on first start. */
    public String resolveAdminToken() throws IOException {
        if (adminToken != null) {
            return adminToken;
        }
        Path file = dataDir.resolve("admin.token");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createDirectories(dataDir);
        Files.writeString(file, token + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the directory's default permissions
        }
        return token;
    }
}
