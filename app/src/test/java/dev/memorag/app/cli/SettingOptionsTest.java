package dev.memorag.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.settings.Generator;
import dev.memorag.settings.Part;
import dev.memorag.settings.Setting;
import dev.memorag.settings.SettingException;
import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.settings.SettingsTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI's options come from the settings registry: generated help, old flags, precedence, start-up errors. */
class SettingOptionsTest {

    @Test
    void upHelpListsEverySettingAndTakesEveryStackSettingAsAnOption() {
        CommandLine up = MemoragCli.commandLine().getSubcommands().get("up");
        String help = up.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (Setting<?> setting : SettingsCatalogue.all()) {
            assertTrue(help.contains(setting.env()), "up --help names " + setting.env());
        }
        for (Setting<?> setting : SettingsCatalogue.of(Setting.Scope.STACK)) {
            assertTrue(up.getCommandSpec().findOption(setting.flag()) != null, "up takes " + setting.flag());
        }
        assertTrue(help.contains("--generator=<extractive|djl|openai>"), help);
    }

    @Test
    void theFlagsOfBeforeTheRegistryStillParse() {
        CommandLine cli = MemoragCli.commandLine();
        cli.parseArgs(
                "up",
                "--data-dir",
                "d",
                "--kafka-port",
                "1",
                "--http-port",
                "2",
                "--http-instances",
                "3",
                "--ingest-port",
                "4",
                "--health-port",
                "5",
                "--model-dir",
                "m",
                "--memory",
                "beacon",
                "--generator",
                "djl",
                "--bind-host",
                "0.0.0.0",
                "--instance-id",
                "w-0",
                "--advertised-host",
                "h",
                "--parts",
                "worker",
                "--bootstrap-servers",
                "k:9092");
        UpCommand up = cli.getSubcommands().get("up").getCommand();
        assertEquals(Generator.DJL, up.settings(Map.of()).get(SettingsCatalogue.GENERATOR));
        cli.parseArgs("worker", "--bootstrap-servers", "k:9092", "--instance-id", "w-1");
        cli.parseArgs("ingest", "--url", "http://i:8081", "--token", "t", "--data-dir", "d", "corpus", "file.txt");
        cli.parseArgs("deploy", "kafka", "--partitions", "12");
        cli.parseArgs("ask", "--url", "http://q:8080", "--token", "t", "--data-dir", "d", "corpus", "question");
        AskCommand ask = cli.getSubcommands().get("ask").getCommand();
        assertEquals(URI.create("http://q:8080"), ask.settings(Map.of()).get(SettingsCatalogue.QUERY_URL));
    }

    @Test
    void anOptionWinsOverItsVariableWhichWinsOverTheDefault() {
        CommandLine cli = MemoragCli.commandLine();
        cli.parseArgs("up", "--kafka-port", "1234");
        UpCommand up = cli.getSubcommands().get("up").getCommand();
        Settings settings = up.settings(Map.of("MEMORAG_KAFKA_PORT", "9999", "MEMORAG_HTTP_PORT", "7000"));
        assertEquals(1234, settings.get(SettingsCatalogue.KAFKA_PORT));
        assertEquals(7000, settings.get(SettingsCatalogue.HTTP_PORT));
        assertEquals(8081, settings.get(SettingsCatalogue.INGEST_PORT));
    }

    @Test
    void anUnknownValueStopsTheStartNamingTheSettingAndTheAllowedValues() {
        CommandLine cli = MemoragCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(MemoragCli.BAD_SETTING, cli.execute("up", "--generator", "gpt4"));
        assertTrue(
                err.toString()
                        .contains("MEMORAG_GENERATOR (--generator): 'gpt4' on the command line is not valid: "
                                + "choose from extractive, djl, openai"),
                err.toString());

        cli.parseArgs("up");
        UpCommand up = cli.getSubcommands().get("up").getCommand();
        SettingException fromEnv =
                assertThrows(SettingException.class, () -> up.settings(Map.of("MEMORAG_DEVICE", "tpu")));
        assertTrue(
                fromEnv.getMessage().contains("MEMORAG_DEVICE (--device): 'tpu' in the environment"),
                fromEnv.getMessage());
        assertTrue(fromEnv.getMessage().contains("choose from cpu, cuda, auto"), fromEnv.getMessage());
    }

    @Test
    void aServiceCommandRunsItsOwnPartWhateverMemoragPartsSays() {
        CommandLine cli = MemoragCli.commandLine();
        cli.parseArgs("worker", "--bootstrap-servers", "k:9092");
        ServiceCommands.Worker worker = cli.getSubcommands().get("worker").getCommand();
        assertEquals(
                EnumSet.of(Part.WORKER),
                worker.config(worker.settings(Map.of("MEMORAG_PARTS", "query")))
                        .deployment()
                        .parts());
        assertThrows(CommandLine.UnmatchedArgumentException.class, () -> cli.parseArgs("worker", "--parts", "query"));
    }

    @Test
    void theSettingsCommandPrintsTheReadmeTable() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, MemoragCli.commandLine().execute("settings", "--markdown"));
        } finally {
            System.setOut(stdout);
        }
        assertEquals(SettingsTable.markdown(SettingsCatalogue.all()), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        List<CommandLine> commands = new ArrayList<>();
        ArrayDeque<CommandLine> todo = new ArrayDeque<>(List.of(MemoragCli.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine command = todo.pop();
            commands.add(command);
            todo.addAll(command.getSubcommands().values());
        }
        assertTrue(commands.size() > 15, "the commands and their subcommands: " + commands.size());
        for (CommandLine command : commands) {
            StringWriter out = new StringWriter();
            command.setOut(new PrintWriter(out));
            assertEquals(0, command.execute("--help"), command.getCommandName());
            assertTrue(
                    out.toString()
                            .startsWith("Usage: " + command.getCommandSpec().qualifiedName()),
                    command.getCommandName() + ": " + out);
        }
    }
}
