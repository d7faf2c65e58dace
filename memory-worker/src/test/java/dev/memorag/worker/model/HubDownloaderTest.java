package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Download by model id against a local hub-like HTTP server, and the message when there is no network. */
class HubDownloaderTest {
    @TempDir
    Path tmp;

    @Test
    void downloadsIndexAndShardsThenLoads() throws IOException {
        Path source = TinyModels.write(
                tmp.resolve("hub/org/tiny"),
                TinyCheckpointWriter.Spec.tiny("mistral", 32, 4).withDtype(TensorDType.BF16));
        List<String> requested = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            requested.add(path);
            Path file = tmp.resolve("hub" + path.replace("/resolve/main", ""));
            byte[] body = Files.isRegularFile(file) ? Files.readAllBytes(file) : new byte[0];
            ex.sendResponseHeaders(Files.isRegularFile(file) ? 200 : 404, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            Path target = new HubDownloader(endpoint, Duration.ofSeconds(5)).download("org/tiny", tmp.resolve("cache"));
            for (String f : List.of(
                    "config.json",
                    "tokenizer.json",
                    Checkpoint.INDEX,
                    "model-00001-of-00002.safetensors",
                    "model-00002-of-00002.safetensors")) {
                assertArrayEquals(Files.readAllBytes(source.resolve(f)), Files.readAllBytes(target.resolve(f)), f);
                assertTrue(requested.contains("/org/tiny/resolve/main/" + f), requested.toString());
            }
            assertFalse(Files.exists(target.resolve("model-00001-of-00002.safetensors.part")));
            try (BeaconModel model = BeaconModel.load(target, ComputeDevice.cpu(), null)) {
                assertEquals("mistral", model.config().modelType());
            }
            int before = requested.size();
            new HubDownloader(endpoint, Duration.ofSeconds(5)).download("org/tiny", target);
            assertEquals(before, requested.size(), "files already present are not fetched again");

            ModelLoadException missing = assertThrows(
                    ModelLoadException.class,
                    () -> new HubDownloader(endpoint, Duration.ofSeconds(5))
                            .download("org/absent", tmp.resolve("absent")));
            assertTrue(
                    missing.getMessage().contains("/org/absent/resolve/main/config.json: HTTP 404"),
                    missing.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableHubSaysNoNetwork() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> new HubDownloader(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(2))
                        .download("TommyChien/memorag-qwen2-7b-inst", tmp.resolve("m")));
        assertTrue(
                e.getMessage().startsWith("cannot download TommyChien/memorag-qwen2-7b-inst from http://127.0.0.1:")
                        && e.getMessage().contains("no network"),
                e.getMessage());
    }
}
