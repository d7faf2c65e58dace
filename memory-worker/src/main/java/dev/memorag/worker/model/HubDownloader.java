package dev.memorag.worker.model;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Fetches a checkpoint by model id from a Hugging Face hub endpoint ({endpoint}/{id}/resolve/main/{file})
 * into a directory: config.json, tokenizer.json, the safetensors index and every shard it names (or a
 * single model.safetensors). Files already present are kept; each download goes to a temp file first,
 * so an interrupted run never leaves a truncated shard under its real name.
 */
public final class HubDownloader {
    public static final URI HUGGING_FACE = URI.create("https://huggingface.co");

    private final URI endpoint;
    private final HttpClient http;
    private final Duration timeout;

    public HubDownloader(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Downloads {@code modelId} into {@code dir} and returns dir. */
    public Path download(String modelId, Path dir) {
        try {
            Files.createDirectories(dir);
            fetch(modelId, "config.json", dir, true);
            fetch(modelId, "tokenizer.json", dir, true);
            Set<String> shards = new LinkedHashSet<>();
            if (fetch(modelId, Checkpoint.INDEX, dir, false)) {
                JsonParser.parseString(Files.readString(dir.resolve(Checkpoint.INDEX)))
                        .getAsJsonObject()
                        .getAsJsonObject("weight_map")
                        .entrySet()
                        .forEach(e -> shards.add(e.getValue().getAsString()));
            } else {
                shards.add(Checkpoint.SINGLE);
            }
            for (String shard : shards) fetch(modelId, shard, dir, true);
            return dir;
        } catch (IOException e) {
            throw new ModelLoadException("cannot download " + modelId + " from " + endpoint + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelLoadException("download of " + modelId + " interrupted", e);
        }
    }

    private boolean fetch(String modelId, String file, Path dir, boolean required)
            throws IOException, InterruptedException {
        Path target = dir.resolve(file);
        if (Files.isRegularFile(target)) return true;
        URI uri = URI.create(endpoint.toString().replaceAll("/$", "") + "/" + modelId + "/resolve/main/" + file);
        Path part = dir.resolve(file + ".part");
        HttpResponse<Path> response = http.send(
                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofFile(part));
        if (response.statusCode() == 404 && !required) {
            Files.deleteIfExists(part);
            return false;
        }
        if (response.statusCode() != 200) {
            Files.deleteIfExists(part);
            throw new ModelLoadException("cannot download " + uri + ": HTTP " + response.statusCode());
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private static String describe(IOException e) {
        String kind = e instanceof java.net.ConnectException
                        || e instanceof java.net.http.HttpConnectTimeoutException
                        || e instanceof java.net.UnknownHostException
                        || e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                ? "no network (the hub cannot be reached; copy the checkpoint directory onto this machine instead)"
                : "I/O error";
        return kind + ": " + e;
    }
}
