package dev.memorag.app;

import static dev.memorag.settings.SettingsCatalogue.ADMIN_TOKEN;
import static dev.memorag.settings.SettingsCatalogue.BOOTSTRAP_SERVERS;
import static dev.memorag.settings.SettingsCatalogue.DATA_DIR;
import static dev.memorag.settings.SettingsCatalogue.HEALTH_PORT;
import static dev.memorag.settings.SettingsCatalogue.HTTP_PORT;
import static dev.memorag.settings.SettingsCatalogue.INGEST_PORT;
import static dev.memorag.settings.SettingsCatalogue.KAFKA_PORT;
import static dev.memorag.settings.SettingsCatalogue.PARTS;

import dev.memorag.query.EdgeLimits;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Setting;
import dev.memorag.settings.Settings;
import dev.memorag.worker.ModelSettings;
import dev.memorag.worker.retrieval.RetrievalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The settings a stack process runs with ({@code SettingsCatalogue} declares each, with its variable, flag and
 * default), and the parts' configurations built from them. The Kubernetes manifests in {@code deploy/} use only
 * the catalogue's variables ({@code DeployManifestsTest} checks it).
 */
public record StackConfig(Settings settings) {

    public static StackConfig defaults() {
        return new StackConfig(Settings.defaults());
    }

    /** This process's environment over the defaults. */
    public static StackConfig fromEnvironment() {
        return new StackConfig(Settings.fromEnvironment());
    }

    public <T> T get(Setting<T> setting) {
        return settings.get(setting);
    }

    /** This configuration with {@code value} for {@code setting} (null: back to its default). */
    public <T> StackConfig with(Setting<T> setting, T value) {
        return new StackConfig(settings.with(setting, value));
    }

    /** This configuration with its state in {@code dataDir} and every port picked free: tests, benchmarks, eval. */
    public StackConfig isolatedIn(Path dataDir) {
        return with(DATA_DIR, dataDir)
                .with(KAFKA_PORT, 0)
                .with(HTTP_PORT, 0)
                .with(INGEST_PORT, 0)
                .with(HEALTH_PORT, 0);
    }

    public Path dataDir() {
        return get(DATA_DIR);
    }

    /** The parts this process runs and where its Kafka is. */
    public Deployment deployment() {
        return new Deployment(get(PARTS), get(BOOTSTRAP_SERVERS));
    }

    public TopicCatalog topics() {
        return TopicCatalog.of(settings);
    }

    public EdgeLimits edge() {
        return EdgeLimits.of(settings);
    }

    public KafkaQuestions questions() {
        return KafkaQuestions.of(settings);
    }

    public ModelSettings model() {
        return ModelSettings.of(settings);
    }

    public RetrievalSettings retrieval() {
        return RetrievalSettings.of(settings);
    }

    /** Where a stack keeps the admin token it generated, and where the client commands look for it. */
    public static Path adminTokenFile(Path dataDir) {
        return dataDir.resolve("admin.token");
    }

    /** The configured admin token, or the one generated for this data directory on first start. */
    public String resolveAdminToken() throws IOException {
        String configured = get(ADMIN_TOKEN);
        if (configured != null) {
            return configured;
        }
        Path file = adminTokenFile(dataDir());
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createDirectories(dataDir());
        Files.writeString(file, token + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the directory's default permissions
        }
        return token;
    }
}
