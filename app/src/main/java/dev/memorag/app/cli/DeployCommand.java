package dev.memorag.app.cli;

import dev.memorag.app.deploy.StrimziManifests;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Setting;
import dev.memorag.settings.SettingsCatalogue;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
        name = "deploy",
        description = "Generate deployment files from the code.",
        subcommands = DeployCommand.Kafka.class)
final class DeployCommand {

    @Command(
            name = "kafka",
            description =
                    "Print the Strimzi Kafka, KafkaNodePool and KafkaTopic resources for the "
                            + "topic catalog (deploy/kubernetes/kafka.yaml is this output; use the services' ConfigMap values).")
    static final class Kafka extends ConfiguredCommand {
        @Override
        List<Setting<?>> options() {
            return List.of(SettingsCatalogue.TOPIC_PREFIX, SettingsCatalogue.PARTITIONS);
        }

        @Override
        public Integer call() {
            System.out.print(StrimziManifests.kafka(TopicCatalog.of(settings())));
            return 0;
        }
    }
}
