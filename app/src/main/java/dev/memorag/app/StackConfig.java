package dev.memorag.app;

import dev.memorag.ingest.admission.AdmissionConfig;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.query.EdgeLimits;
import dev.memorag.schemas.TopicCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of the embedded stack, in one place. Each has a default, an environment variable and a CLI
 * option of the same name (see {@code bin/memorag up --help}).
 *
 * @param dataDir         {@code MEMORAG_DATA_DIR}: broker log, Streams state and worker RocksDB live under it
 * @param kafkaPort       {@code MEMORAG_KAFKA_PORT}: the embedded broker's port on 127.0.0.1 (0 picks a free one)
 * @param httpPort        {@code MEMORAG_HTTP_PORT}: the query service's HTTP port on 127.0.0.1 (0 picks one)
 * @param ingestPort      {@code MEMORAG_INGEST_PORT}: the ingest gateway's HTTP port on 127.0.0.1 (0 picks one)
 * @param adminToken      {@code MEMORAG_ADMIN_TOKEN}: bearer token that creates corpora; when unset, one is generated
 *                        once and kept in {@code <data dir>/admin.token}
 * @param topicPrefix     {@code MEMORAG_TOPIC_PREFIX}: prefix of every topic name
 * @param partitions      {@code MEMORAG_PARTITIONS}: partitions of the corpus-keyed topics
 * @param chunkTokens     {@code MEMORAG_CHUNK_TOKENS}: passage budget in retriever tokens
 * @param maxTextChars    {@code MEMORAG_MAX_TEXT_CHARS}: largest document admission accepts
 * @param checkpointInterval {@code MEMORAG_CHECKPOINT_INTERVAL} (ISO-8601, e.g. {@code PT1S}): how often the
 *                        chunk job commits; chunks become visible to read_committed consumers at each commit
 * @param edge            the query edge's timeouts and limits, each with its variable ({@link EdgeLimits})
 */
public record StackConfig(Path dataDir, int kafkaPort, int httpPort, int ingestPort, String adminToken,
                          String topicPrefix, int partitions, int chunkTokens, int maxTextChars,
                          Duration checkpointInterval, EdgeLimits edge) {

    public static StackConfig defaults() {
        return new StackConfig(Path.of("data"), 9092, 8080, 8081, null, TopicCatalog.DEFAULT_PREFIX,
                TopicCatalog.DEFAULT_PARTITIONS, ChunkJobConfig.DEFAULT_CHUNK_TOKENS,
                AdmissionConfig.DEFAULT_MAX_TEXT_CHARS, ChunkJobConfig.defaults().checkpointInterval(),
                EdgeLimits.defaults());
    }

    /** Defaults overridden by any {@code MEMORAG_*} variable present in {@code env}. */
    public static StackConfig fromEnvironment(Map<String, String> env) {
        StackConfig d = defaults();
        EdgeLimits e = d.edge;
        return new StackConfig(
                get(env, "MEMORAG_DATA_DIR", Path::of, d.dataDir),
                get(env, "MEMORAG_KAFKA_PORT", Integer::parseInt, d.kafkaPort),
                get(env, "MEMORAG_HTTP_PORT", Integer::parseInt, d.httpPort),
                get(env, "MEMORAG_INGEST_PORT", Integer::parseInt, d.ingestPort),
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
                        get(env, "MEMORAG_SOCKET_MAX_AGE", Duration::parse, e.socketMaxAge())));
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
        return new StackConfig(dir, kafkaPort, httpPort, ingestPort, adminToken, topicPrefix, partitions, chunkTokens,
                maxTextChars, checkpointInterval, edge);
    }

    public StackConfig withPorts(int kafka, int http, int ingest) {
        return new StackConfig(dataDir, kafka, http, ingest, adminToken, topicPrefix, partitions, chunkTokens,
                maxTextChars, checkpointInterval, edge);
    }

    public StackConfig withChunkTokens(int tokens) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, adminToken, topicPrefix, partitions, tokens,
                maxTextChars, checkpointInterval, edge);
    }

    public StackConfig withEdge(EdgeLimits limits) {
        return new StackConfig(dataDir, kafkaPort, httpPort, ingestPort, adminToken, topicPrefix, partitions,
                chunkTokens, maxTextChars, checkpointInterval, limits);
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
