package dev.memorag.app.cli;

import static dev.memorag.settings.SettingsCatalogue.INGEST_URL;

import dev.memorag.app.client.IngestClient;
import dev.memorag.app.client.ProgressFollower;
import dev.memorag.settings.Setting;
import dev.memorag.settings.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memorag ingest <corpus> <files or folders…>}: uploads every file through the ingest gateway and follows the
 * documents through admitted → chunked → memorized with a progress bar, then lists rejections with their reasons.
 */
@Command(name = "ingest", description = "Upload files or folders into a corpus and follow them into memory.")
final class IngestCommand extends ClientCommand {
    @Parameters(index = "0", description = "corpus id")
    String corpus;

    @Parameters(index = "1..*", arity = "1..*", description = "files or folders (searched recursively)")
    List<Path> paths;

    @Option(names = "--create", description = "create the corpus first if it does not exist (needs the admin token)")
    boolean create;

    @Option(names = "--timeout", description = "how long to follow progress (ISO-8601, default PT30M)")
    Duration timeout = Duration.ofMinutes(30);

    @Override
    Setting<URI> service() {
        return INGEST_URL;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = settings();
        IngestClient client = new IngestClient(root(settings, INGEST_URL), bearer(settings));
        if (create) {
            IngestClient.Reply created = client.createCorpus(corpus);
            if (created.ok()) {
                System.out.println((created.status() == 202
                                ? "asked for corpus '" + corpus + "' ("
                                        + created.body().path("message").asText() + "); its token: "
                                : "created corpus '" + corpus + "'; its token: ")
                        + created.body().path("token").asText());
            } else if (created.status() != 409) {
                System.err.println("cannot create corpus '" + corpus + "': " + created.error());
                return 2;
            }
        }
        Map<String, Path> files = collect();
        Map<String, String> rejected = new LinkedHashMap<>();
        List<String> accepted = new ArrayList<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            IngestClient.Reply reply = client.putFile(corpus, file.getKey(), file.getValue());
            if (reply.ok()) {
                accepted.add(file.getKey());
            } else {
                rejected.put(file.getKey(), reply.error());
            }
        }
        System.out.printf("uploaded %d of %d files to '%s'%n", accepted.size(), files.size(), corpus);
        ProgressFollower.Outcome outcome = new ProgressFollower(client, corpus, System.out).follow(accepted, timeout);
        rejected.putAll(outcome.rejected());
        if (!rejected.isEmpty()) {
            System.out.println("rejected:");
            rejected.forEach((doc, reason) -> System.out.println("  " + doc + " — " + reason));
        }
        return rejected.isEmpty() && outcome.settled() ? 0 : 1;
    }

    private Map<String, Path> collect() throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile)
                            .sorted()
                            .forEach(f -> files.put(path.relativize(f).toString(), f));
                }
            } else if (Files.isRegularFile(path)) {
                files.put(path.getFileName().toString(), path);
            } else {
                throw new IOException("no such file or folder: " + path);
            }
        }
        return files;
    }
}
