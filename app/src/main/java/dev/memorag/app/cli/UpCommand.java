package dev.memorag.app.cli;

import dev.memorag.app.Deployment;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the stack (by default every part in one JVM on 127.0.0.1) and keep it running until "
                + "Ctrl-C or SIGTERM.")
final class UpCommand extends PartCommand {
    @Option(names = "--parts", description = "parts to run in this process: broker,ingest,chunker,worker,query "
            + "(env MEMORAG_PARTS, default all)")
    String parts;

    @Override
    Set<Deployment.Part> parts() {
        return parts != null ? Deployment.parse(parts) : Deployment.partsFromEnvironment(System.getenv());
    }
}
