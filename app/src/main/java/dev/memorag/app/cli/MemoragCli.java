package dev.memorag.app.cli;

import dev.memorag.app.eval.EvalCommand;
import dev.memorag.settings.SettingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/memorag}: the command line of the embedded stack. */
@Command(
        name = "memorag",
        mixinStandardHelpOptions = true,
        version = "memorag 0.1.0",
        description = "MemoRAG on Kafka: streaming, memory-augmented RAG.",
        subcommands = {
            UpCommand.class,
            ServiceCommands.Broker.class,
            ServiceCommands.IngestService.class,
            ServiceCommands.Chunker.class,
            ServiceCommands.Worker.class,
            ServiceCommands.QueryService.class,
            DemoCommand.class,
            IngestCommand.class,
            AskCommand.class,
            BenchCommand.class,
            EvalCommand.class,
            DeployCommand.class,
            SettingsCommand.class
        })
public final class MemoragCli {
    /** Exit status of a start refused for a setting's value, as for other usage errors. */
    static final int BAD_SETTING = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with the settings' options added to the commands that take them and {@code --help} /
     * {@code --version} on every command.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new MemoragCli());
        addSettingOptions(cli);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof SettingException) {
                command.getErr().println("memorag: " + e.getMessage());
                return BAD_SETTING;
            }
            throw e;
        });
        return cli;
    }

    private static void addSettingOptions(CommandLine command) {
        if (command.getCommand() instanceof ConfiguredCommand configured) {
            configured.addOptions(command.getCommandSpec());
        }
        command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(MemoragCli::addSettingOptions);
    }
}
