package dev.memorag.app.cli;

import static dev.memorag.settings.SettingsCatalogue.DATA_DIR;
import static dev.memorag.settings.SettingsCatalogue.TOKEN;

import dev.memorag.app.StackConfig;
import dev.memorag.settings.Setting;
import dev.memorag.settings.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A command that talks to a running stack: its service's URL ({@code --url}), the token it sends ({@code
 * MEMORAG_TOKEN}, else the local stack's admin token) and where that local stack keeps it.
 */
abstract class ClientCommand extends ConfiguredCommand {

    /** The setting naming the service this command talks to. */
    abstract Setting<URI> service();

    @Override
    List<Setting<?>> options() {
        return List.of(service(), TOKEN, DATA_DIR);
    }

    @Override
    Map<Setting<?>, String> aliases() {
        return Map.of(service(), "--url");
    }

    /** The service's root URL, without a trailing slash. */
    static String root(Settings settings, Setting<URI> service) {
        return settings.get(service).toString().replaceAll("/+$", "");
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
