package dev.memorag.app.cli;

import dev.memorag.settings.Part;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Start the stack (by default every part in one JVM on 127.0.0.1) and keep it running until "
                + "Ctrl-C or SIGTERM.")
final class UpCommand extends PartCommand {
    @Override
    Set<Part> parts() {
        return null;
    }
}
