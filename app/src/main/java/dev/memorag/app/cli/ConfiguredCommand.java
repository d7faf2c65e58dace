package dev.memorag.app.cli;

import dev.memorag.settings.Setting;
import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command whose options are settings of {@code SettingsCatalogue}: each becomes an option under its flag, with its
 * doc line, variable and default in {@code --help}; a value given wins over the variable, which wins over the
 * default ({@link Settings#resolve}).
 */
abstract class ConfiguredCommand implements Callable<Integer> {
    private final Map<Setting<?>, OptionSpec> options = new LinkedHashMap<>();

    /** The settings this command takes as options. */
    abstract List<Setting<?>> options();

    /** Other names an option keeps from before it was a setting ({@code ask --url}). */
    Map<Setting<?>, String> aliases() {
        return Map.of();
    }

    /** Adds the options to this command's spec, before the command line is parsed. */
    void addOptions(CommandSpec spec) {
        spec.usageMessage().abbreviateSynopsis(true);
        for (Setting<?> setting : options()) {
            String[] names = Stream.concat(
                            Stream.of(setting.flag()),
                            Stream.ofNullable(aliases().get(setting)))
                    .toArray(String[]::new);
            OptionSpec option = OptionSpec.builder(names)
                    .type(String.class)
                    .arity("1")
                    .paramLabel("<" + setting.label() + ">")
                    .description(SettingsTable.plain(setting.doc()) + " (env " + setting.env() + ", default "
                            + SettingsTable.plain(setting.defaultText()) + ")")
                    .build();
            spec.addOption(option);
            options.put(setting, option);
        }
    }

    /** The settings: the options given over this process's environment over the defaults. */
    Settings settings() {
        return Settings.fromCommandLine(given());
    }

    /** {@link #settings()} over {@code env} instead of this process's environment. */
    Settings settings(Map<String, String> env) {
        return Settings.resolve(env, given());
    }

    private Map<Setting<?>, String> given() {
        Map<Setting<?>, String> given = new LinkedHashMap<>();
        options.forEach((setting, option) -> {
            String value = option.getValue();
            if (value != null) {
                given.put(setting, value);
            }
        });
        return given;
    }
}
