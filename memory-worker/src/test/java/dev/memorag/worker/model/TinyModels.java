package dev.memorag.worker.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

/** Test helpers: tiny checkpoints and token streams. */
final class TinyModels {
    private TinyModels() {}

    static Path write(Path dir, TinyCheckpointWriter.Spec spec) {
        try {
            return TinyCheckpointWriter.write(dir, spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seeded ids from the ordinary part of the bge vocabulary (no special tokens). */
    static int[] tokens(long seed, int n) {
        Random r = new Random(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = 1000 + r.nextInt(29000);
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Row {@code row} of keys (kv=0) or values (kv=1) of one layer in an exported window. */
    static float[] windowRow(byte[] window, ModelConfig c, int layer, int kv, int row) {
        int n = c.beacon().beaconsPerWindow();
        int kvDim = c.kvDim();
        ByteBuffer b = ByteBuffer.wrap(window).order(ByteOrder.LITTLE_ENDIAN);
        int offset = ((layer * 2 + kv) * n + row) * kvDim * Float.BYTES;
        float[] out = new float[kvDim];
        for (int i = 0; i < kvDim; i++) out[i] = b.getFloat(offset + i * Float.BYTES);
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
