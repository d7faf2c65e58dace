package dev.memorag.app.cli;

import dev.memorag.app.eval.EvalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/memorag}: the command line of the embedded stack. */
@Command(name = "memorag", mixinStandardHelpOptions = true, version = "memorag 0.1.0",
        description = "MemoRAG on Kafka: streaming, memory-augmented RAG.",
        subcommands = {UpCommand.class, ServiceCommands.Broker.class, ServiceCommands.IngestService.class,
                ServiceCommands.Chunker.class, ServiceCommands.Worker.class, ServiceCommands.QueryService.class,
                DemoCommand.class, IngestCommand.class, AskCommand.class, BenchCommand.class, EvalCommand.class,
                DeployCommand.class})
public final class MemoragCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new MemoragCli()).execute(args));
    }
}
