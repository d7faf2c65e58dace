package dev.memorag.worker.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Identifies the model a memory was computed with: SHA-256 over config.json, the beacon settings in use, and for
 * every weight file its name, size, first MiB (the safetensors header and leading weights) and last 64 KiB. Hashing
 * whole 15 GB checkpoints at every start would take minutes; two checkpoints that agree on all of this but differ
 * elsewhere are not a realistic case (any retraining or conversion changes leading and trailing tensors). A BF16
 * model's fingerprint ends in {@code -bf16}: its memory rows are BF16, and a worker must not read them as FP32 ones
 * (nor the reverse); FP32 fingerprints are unchanged from before precisions existed.
 */
public final class ModelFingerprint {
    private static final int HEAD = 1 << 20;
    private static final int TAIL = 64 << 10;

    private ModelFingerprint() {}

    public static String of(Path dir, BeaconSettings beacon, ComputeDevice.Precision precision) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(dir.resolve("config.json")));
            sha.update(("beacon " + beacon.window() + "/" + beacon.ratio()).getBytes(StandardCharsets.UTF_8));
            List<Path> weights;
            try (Stream<Path> files = Files.list(dir)) {
                weights = files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
                        .sorted()
                        .toList();
            }
            for (Path file : weights) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    long size = channel.size();
                    sha.update((file.getFileName() + " " + size).getBytes(StandardCharsets.UTF_8));
                    sha.update(read(channel, 0, (int) Math.min(HEAD, size)));
                    sha.update(read(channel, Math.max(0, size - TAIL), (int) Math.min(TAIL, size)));
                }
            }
            String hash = HexFormat.of().formatHex(sha.digest(), 0, 12);
            return precision == ComputeDevice.Precision.FP32 ? hash : hash + "-" + precision.wire();
        } catch (IOException e) {
            throw new ModelLoadException("cannot fingerprint the checkpoint in " + dir + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining() && channel.read(buf, position + buf.position()) >= 0) {
            // a positional read may return fewer bytes than asked
        }
        return buf.flip();
    }
}
