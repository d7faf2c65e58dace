package dev.memorag.app.cli;

import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.settings.SettingsTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code memorag settings}: every setting, from the catalogue the processes read. */
@Command(
        name = "settings",
        mixinStandardHelpOptions = true,
        description = "Print every setting with its default, as an environment file, or README's table.")
final class SettingsCommand implements Runnable {
    @Option(names = "--markdown", description = "README's settings table instead of an environment file")
    boolean markdown;

    @Override
    public void run() {
        System.out.print(
                markdown
                        ? SettingsTable.markdown(SettingsCatalogue.all())
                        : SettingsTable.environmentFile(SettingsCatalogue.all()));
    }
}
