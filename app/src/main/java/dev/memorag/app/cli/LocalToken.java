package dev.memorag.app.cli;

import static dev.memorag.settings.SettingsCatalogue.DATA_DIR;
import static dev.memorag.settings.SettingsCatalogue.TOKEN;

import dev.memorag.app.StackConfig;
import dev.memorag.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bearer token a client command sends: {@code MEMORAG_TOKEN}, else the local stack's admin token. */
final class LocalToken {
    private LocalToken() {
    }

    static String bearer(Settings settings) throws IOException {
        String token = settings.get(TOKEN);
        if (token != null) {
            return token;
        }
        Path file = StackConfig.adminTokenFile(settings.get(DATA_DIR));
        if (!Files.exists(file)) {
            throw new IOException("no " + TOKEN + " given and no " + file + " found");
        }
        return Files.readString(file).strip();
    }
}
