package dev.memorag.app;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which parts of the stack this process runs, and where its Kafka is. The default is everything in one JVM around
 * an embedded broker; split up, each part runs in its own process against a shared broker.
 *
 * @param parts            {@code MEMORAG_PARTS} (CLI {@code --parts}): comma list of broker, ingest, worker, query
 * @param bootstrapServers {@code MEMORAG_BOOTSTRAP_SERVERS} (CLI {@code --bootstrap-servers}): the Kafka to use when
 *                         this process runs no broker
 */
public record Deployment(Set<Part> parts, String bootstrapServers) {

    public enum Part {
        /** The embedded KRaft broker (and topic creation). */
        BROKER,
        /** Admission (Streams), the chunk-and-embed job (Flink MiniCluster) and the ingest gateway. */
        INGEST,
        /** A memory worker with its RocksDB store. */
        WORKER,
        /** The query service. */
        QUERY
    }

    public Deployment {
        parts = parts.isEmpty() ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no parts to run: choose from broker, ingest, worker, query");
        }
        if (!parts.contains(Part.BROKER) && (bootstrapServers == null || bootstrapServers.isBlank())) {
            throw new IllegalArgumentException("without the broker part, MEMORAG_BOOTSTRAP_SERVERS "
                    + "(--bootstrap-servers) must name the Kafka to use");
        }
    }

    public static Deployment all() {
        return new Deployment(EnumSet.allOf(Part.class), null);
    }

    public static Deployment fromEnvironment(Map<String, String> env) {
        String parts = env.get("MEMORAG_PARTS");
        return new Deployment(parts == null || parts.isBlank() ? EnumSet.allOf(Part.class) : parse(parts),
                env.get("MEMORAG_BOOTSTRAP_SERVERS"));
    }

    public static Set<Part> parse(String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .map(s -> Part.valueOf(s.toUpperCase(Locale.ROOT)))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Part.class)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parts '" + list + "': choose from broker, ingest, worker, query", e);
        }
    }

    public boolean runs(Part part) {
        return parts.contains(part);
    }
}
