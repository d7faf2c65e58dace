package dev.memorag.app;

import dev.memorag.settings.Part;
import dev.memorag.settings.SettingException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which parts of the stack this process runs, and where its Kafka is. The default is everything in one JVM around
 * an embedded broker; split up, each part runs in its own process against a shared broker.
 *
 * @param parts            {@code MEMORAG_PARTS}: the parts this process runs
 * @param bootstrapServers {@code MEMORAG_BOOTSTRAP_SERVERS}: the Kafka to use when this process runs no broker
 */
public record Deployment(Set<Part> parts, String bootstrapServers) {

    public Deployment {
        parts = parts.isEmpty() ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(parts);
        if (parts.isEmpty()) {
            throw new SettingException("no parts to run: choose from broker, ingest, chunker, worker, query");
        }
        if (!parts.contains(Part.BROKER) && (bootstrapServers == null || bootstrapServers.isBlank())) {
            throw new SettingException("without the broker part, MEMORAG_BOOTSTRAP_SERVERS "
                    + "(--bootstrap-servers) must name the Kafka to use");
        }
    }

    public boolean runs(Part part) {
        return parts.contains(part);
    }
}
