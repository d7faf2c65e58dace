package dev.memorag.app.cli;

import dev.memorag.app.StackConfig;
import dev.memorag.app.deploy.StrimziManifests;
import dev.memorag.schemas.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "deploy", description = "Generate deployment files from the code.",
        subcommands = DeployCommand.Kafka.class)
final class DeployCommand {

    @Command(name = "kafka", description = "Print the Strimzi Kafka, KafkaNodePool and KafkaTopic resources for the "
            + "topic catalog (deploy/kubernetes/kafka.yaml is this output).")
    static final class Kafka implements Runnable {
        @Option(names = "--partitions", description = "partitions of the corpus-keyed topics (env MEMORAG_PARTITIONS, "
                + "default 4); use the value of the services' ConfigMap")
        Integer partitions;

        @Override
        public void run() {
            StackConfig config = StackConfig.fromEnvironment(System.getenv());
            System.out.print(StrimziManifests.kafka(new TopicCatalog(config.topicPrefix(),
                    partitions != null ? partitions : config.partitions())));
        }
    }
}
