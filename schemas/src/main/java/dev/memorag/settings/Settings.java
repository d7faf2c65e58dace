package dev.memorag.settings;

import java.util.HashMap;
import java.util.Map;

/**
 * Resolved settings: for each setting of the {@link SettingsCatalogue}, the value given on the command line, else in
 * the environment, else its default. Values are parsed when resolved, so a bad one stops the process at start-up
 * with a {@link SettingException} naming the setting. Derived defaults ({@code MEMORAG_MEMORY} from the model
 * directory, …) are computed on {@link #get}, so they follow the values they derive from, {@link #with} included.
 * Immutable.
 */
public final class Settings {
    private final Map<Setting<?>, Object> given;

    private Settings(Map<Setting<?>, Object> given) {
        this.given = Map.copyOf(given);
    }

    /** Every setting at its default. */
    public static Settings defaults() {
        return new Settings(Map.of());
    }

    /** This process's environment over the defaults. */
    public static Settings fromEnvironment() {
        return resolve(System.getenv(), Map.of());
    }

    /** {@code env} (variable to value) over the defaults. */
    public static Settings fromEnvironment(Map<String, String> env) {
        return resolve(env, Map.of());
    }

    /** Command-line values (setting to written value) over this process's environment over the defaults. */
    public static Settings fromCommandLine(Map<Setting<?>, String> options) {
        return resolve(System.getenv(), options);
    }

    /**
     * Command-line values over {@code env} over the defaults; a blank value counts as not given. A {@code MEMORAG_*}
     * variable that names no setting is logged as a warning ({@link UnknownVariables}).
     */
    public static Settings resolve(Map<String, String> env, Map<Setting<?>, String> options) {
        UnknownVariables.warn(env);
        Map<Setting<?>, Object> given = new HashMap<>();
        for (Setting<?> setting : SettingsCatalogue.all()) {
            String option = options.get(setting);
            String variable = env.get(setting.env());
            if (option != null && !option.isBlank()) {
                given.put(setting, setting.parse(option, "on the command line"));
            } else if (variable != null && !variable.isBlank()) {
                given.put(setting, setting.parse(variable, "in the environment"));
            }
        }
        return new Settings(given);
    }

    /** The given value, else the default (derived from the others where it depends on them); null: unset. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return given.containsKey(setting) ? (T) given.get(setting) : setting.defaultIn(this);
    }

    /** {@link #get}, for a setting without which this process cannot run. */
    public <T> T require(Setting<T> setting, String why) {
        T value = get(setting);
        if (value == null) {
            throw new SettingException(setting + " must be set: " + why);
        }
        return value;
    }

    /** Whether the value was given rather than defaulted. */
    public boolean given(Setting<?> setting) {
        return given.containsKey(setting);
    }

    /** These settings with {@code value} given for {@code setting}; null takes the given value back. */
    public <T> Settings with(Setting<T> setting, T value) {
        Map<Setting<?>, Object> next = new HashMap<>(given);
        if (value == null) {
            next.remove(setting);
        } else {
            next.put(setting, value);
        }
        return new Settings(next);
    }
}
