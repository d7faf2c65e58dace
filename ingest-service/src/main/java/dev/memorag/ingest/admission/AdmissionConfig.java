package dev.memorag.ingest.admission;

import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;

/** Admission limits: the largest text admitted ({@code MEMORAG_MAX_TEXT_CHARS}). */
public record AdmissionConfig(int maxTextChars) {

    public static AdmissionConfig of(Settings settings) {
        return new AdmissionConfig(settings.get(SettingsCatalogue.MAX_TEXT_CHARS));
    }
}
