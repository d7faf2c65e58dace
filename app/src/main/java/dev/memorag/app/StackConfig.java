package dev.memorag.app;

import dev.memorag.ingest.admission.AdmissionConfig;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.schemas.TopicCatalog;
import java.nio.file.Path;
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
 * @param topicPrefix     {@code MEMORAG_TOPIC_PREFIX}: prefix of every topic name
 * @param partitions      {@code MEMORAG_PARTITIONS}: partitions of the corpus-keyed topics
 * @param chunkTokens     {@code MEMORAG_CHUNK_TOKENS}: passage budget in retriever tokens
 * @param maxTextChars    {@code MEMORAG_MAX_TEXT_CHARS}: largest document admission accepts
 * @param answerTimeout   {@code MEMORAG_ANSWER_TIMEOUT}: how long the edge waits for an answer (ISO-8601, PT60S)
 */
public record StackConfig(Path dataDir, int kafkaPort, int httpPort, String topicPrefix, int partitions,
                          int chunkTokens, int maxTextChars, Duration answerTimeout) {

    public static StackConfig defaults() {
        return new StackConfig(Path.of("data"), 9092, 8080, TopicCatalog.DEFAULT_PREFIX,
                TopicCatalog.DEFAULT_PARTITIONS, ChunkJobConfig.DEFAULT_CHUNK_TOKENS,
                AdmissionConfig.DEFAULT_MAX_TEXT_CHARS, Duration.ofSeconds(60));
    }

    /** Defaults overridden by any {@code MEMORAG_*} variable present in {@code env}. */
    public static StackConfig fromEnvironment(Map<String, String> env) {
        StackConfig d = defaults();
        return new StackConfig(
                get(env, "MEMORAG_DATA_DIR", Path::of, d.dataDir),
                get(env, "MEMORAG_KAFKA_PORT", Integer::parseInt, d.kafkaPort),
                get(env, "MEMORAG_HTTP_PORT", Integer::parseInt, d.httpPort),
                get(env, "MEMORAG_TOPIC_PREFIX", Function.identity(), d.topicPrefix),
                get(env, "MEMORAG_PARTITIONS", Integer::parseInt, d.partitions),
                get(env, "MEMORAG_CHUNK_TOKENS", Integer::parseInt, d.chunkTokens),
                get(env, "MEMORAG_MAX_TEXT_CHARS", Integer::parseInt, d.maxTextChars),
                get(env, "MEMORAG_ANSWER_TIMEOUT", Duration::parse, d.answerTimeout));
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
        return new StackConfig(dir, kafkaPort, httpPort, topicPrefix, partitions, chunkTokens, maxTextChars,
                answerTimeout);
    }

    public StackConfig withPorts(int kafka, int http) {
        return new StackConfig(dataDir, kafka, http, topicPrefix, partitions, chunkTokens, maxTextChars,
                answerTimeout);
    }
}
