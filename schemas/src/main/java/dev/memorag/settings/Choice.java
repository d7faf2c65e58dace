package dev.memorag.settings;

import java.util.Locale;

/** A member of a closed set of setting values, named in settings by its lower-case name. */
public interface Choice {
    String name();

    default String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
