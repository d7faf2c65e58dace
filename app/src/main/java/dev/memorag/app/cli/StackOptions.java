package dev.memorag.app.cli;

import dev.memorag.app.StackConfig;
import dev.memorag.worker.ModelSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** CLI options over {@link StackConfig}: an option given wins over its environment variable, which wins over the default. */
final class StackOptions {
    @Option(names = "--data-dir", description = "state directory (env MEMORAG_DATA_DIR, default ./data)")
    Path dataDir;

    @Option(names = "--kafka-port", description = "embedded broker port on 127.0.0.1 (env MEMORAG_KAFKA_PORT, default 9092)")
    Integer kafkaPort;

    @Option(names = "--http-port", description = "query service HTTP port (env MEMORAG_HTTP_PORT, default 8080)")
    Integer httpPort;

    @Option(names = "--http-instances", description = "query service HTTP servers sharing its port, one per event "
            + "loop (env MEMORAG_HTTP_INSTANCES, default: the number of cores)")
    Integer httpInstances;

    @Option(names = "--ingest-port", description = "ingest gateway HTTP port (env MEMORAG_INGEST_PORT, default 8081)")
    Integer ingestPort;

    @Option(names = "--health-port", description = "where a process with no HTTP part (a worker, a chunker) serves "
            + "/health, /ready and /metrics (env MEMORAG_HEALTH_PORT, default 8082)")
    Integer healthPort;

    @Option(names = "--model-dir", description = "memory checkpoint directory (env MEMORAG_MODEL_DIR, default none: "
            + "no memory model)")
    Path modelDir;

    @Option(names = "--memory", description = "memory backend: none, beacon, gist (env MEMORAG_MEMORY, default "
            + "beacon with a model dir, else none)")
    String memory;

    @Option(names = "--generator", description = "answer generator: extractive, djl, openai (env MEMORAG_GENERATOR, "
            + "default extractive)")
    String generator;

    @Option(names = "--bind-host", description = "interface the HTTP servers listen on (env MEMORAG_BIND_HOST, "
            + "default 127.0.0.1)")
    String bindHost;

    @Option(names = "--instance-id", description = "a worker's static group membership, stable across restarts "
            + "(env MEMORAG_INSTANCE_ID, default unset: dynamic)")
    String instanceId;

    @Option(names = "--advertised-host", description = "the name other ingest instances reach this one's gateway by, "
            + "for several ingest replicas (env MEMORAG_ADVERTISED_HOST, default unset: a single ingest instance)")
    String advertisedHost;

    StackConfig config() {
        StackConfig env = StackConfig.fromEnvironment(System.getenv());
        ModelSettings model = env.model();
        if (modelDir != null) {
            model = model.withModelDir(modelDir);
        }
        if (memory != null) {
            model = model.withMemory(memory);
        }
        if (generator != null) {
            model = model.withGenerator(generator);
        }
        return env.withDataDir(dataDir != null ? dataDir : env.dataDir())
                .withPorts(kafkaPort != null ? kafkaPort : env.kafkaPort(),
                        httpPort != null ? httpPort : env.httpPort(),
                        ingestPort != null ? ingestPort : env.ingestPort())
                .withHealthPort(healthPort != null ? healthPort : env.healthPort())
                .withBindHost(bindHost != null ? bindHost : env.bindHost())
                .withInstanceId(instanceId != null ? instanceId : env.instanceId())
                .withAdvertisedHost(advertisedHost != null ? advertisedHost : env.advertisedHost())
                .withHttpInstances(httpInstances != null ? httpInstances : env.httpInstances())
                .withModel(model);
    }
}
