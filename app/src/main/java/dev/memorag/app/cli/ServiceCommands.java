package dev.memorag.app.cli;

import dev.memorag.settings.Part;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** One entry point per service, for containers and process managers: {@code up --parts <part>} under its own name. */
final class ServiceCommands {
    private ServiceCommands() {}

    @Command(
            name = "broker",
            mixinStandardHelpOptions = true,
            description = "Run only the embedded KRaft broker (development; use a real Kafka cluster in production).")
    static final class Broker extends PartCommand {
        @Override
        Set<Part> parts() {
            return EnumSet.of(Part.BROKER);
        }
    }

    @Command(
            name = "ingest-service",
            mixinStandardHelpOptions = true,
            description = "Run the ingest service: admission (Kafka Streams) and the HTTP gateway. Several instances "
                    + "need --advertised-host.")
    static final class IngestService extends PartCommand {
        @Override
        Set<Part> parts() {
            return EnumSet.of(Part.INGEST);
        }
    }

    @Command(
            name = "chunker",
            mixinStandardHelpOptions = true,
            description = "Run the chunk-and-embed job on an in-process Flink MiniCluster (where no Flink cluster "
                    + "runs it).")
    static final class Chunker extends PartCommand {
        @Override
        Set<Part> parts() {
            return EnumSet.of(Part.CHUNKER);
        }
    }

    @Command(
            name = "worker",
            mixinStandardHelpOptions = true,
            description = "Run one memory worker (RocksDB state under --data-dir; give each a stable --instance-id "
                    + "for static group membership).")
    static final class Worker extends PartCommand {
        @Override
        Set<Part> parts() {
            return EnumSet.of(Part.WORKER);
        }
    }

    @Command(
            name = "query-service",
            mixinStandardHelpOptions = true,
            description = "Run the query service: HTTP, SSE, WebSocket and Kafka questions.")
    static final class QueryService extends PartCommand {
        @Override
        Set<Part> parts() {
            return EnumSet.of(Part.QUERY);
        }
    }
}
