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
 * @param parts            {@code MEMORAG_PARTS} (CLI {@code --parts}), default all: comma list of broker, ingest,
 *                         chunker, worker, query
 * @param bootstrapServers {@code MEMORAG_BOOTSTRAP_SERVERS} (CLI {@code --bootstrap-servers}): the Kafka to use when
 *                         this process runs no broker
 */
public record Deployment(Set<Part> parts, String bootstrapServers) {
    private static final String CHOICES = "broker, ingest, chunker, worker, query";

    public enum Part {
        /** The embedded KRaft broker (and topic creation). */
        BROKER,
        /**
         * Admission (Streams) and the ingest gateway. Several instances share the work; each gateway answers the
         * document status of its partitions and forwards the rest ({@code MEMORAG_ADVERTISED_HOST}).
         */
        INGEST,
        /**
         * The chunk-and-embed job on an in-process Flink MiniCluster. Left out where a Flink cluster runs the job
         * ({@code deploy/}: FlinkDeployment).
         */
        CHUNKER,
        /** A memory worker with its RocksDB store. */
        WORKER,
        /** The query service. */
        QUERY
    }

    public Deployment {
        parts = parts.isEmpty() ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no parts to run: choose from " + CHOICES);
        }
        if (!parts.contains(Part.BROKER) && (bootstrapServers == null || bootstrapServers.isBlank())) {
            throw new IllegalArgumentException("without the broker part, MEMORAG_BOOTSTRAP_SERVERS "
                    + "(--bootstrap-servers) must name the Kafka to use");
        }
    }

    public static Deployment all() {
        return new Deployment(EnumSet.allOf(Part.class), null);
    }

    /** The parts {@code MEMORAG_PARTS} names (all when unset), read apart from the Kafka a CLI option may give. */
    public static Set<Part> partsFromEnvironment(Map<String, String> env) {
        String parts = env.get("MEMORAG_PARTS");
        return parts == null || parts.isBlank() ? EnumSet.allOf(Part.class) : parse(parts);
    }

    public static String bootstrapServersFromEnvironment(Map<String, String> env) {
        return env.get("MEMORAG_BOOTSTRAP_SERVERS");
    }

    public static Set<Part> parse(String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .map(s -> Part.valueOf(s.toUpperCase(Locale.ROOT)))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Part.class)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parts '" + list + "': choose from " + CHOICES, e);
        }
    }

    public boolean runs(Part part) {
        return parts.contains(part);
    }
}
