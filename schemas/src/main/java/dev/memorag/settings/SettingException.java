package dev.memorag.settings;

/** A setting's value that cannot be used: the process refuses to start, naming the setting. */
public final class SettingException extends IllegalArgumentException {
    public SettingException(String message, Throwable cause) {
        super(message, cause);
    }

    public SettingException(String message) {
        super(message);
    }
}
