package dev.memorag.worker.model;

/** Inserts a beacon slot after every r-th raw token of a window, counting from the window's start. */
final class Interleaver {
    private Interleaver() {}

    /**
     * Slots for {@code count} raw tokens starting at {@code from} in {@code tokens}, when the window
     * already holds {@code rawInWindow} raw tokens.
     */
    static int[] slots(int[] tokens, int from, int count, int rawInWindow, int ratio, int beaconId) {
        int beacons = (rawInWindow % ratio + count) / ratio;
        int[] out = new int[count + beacons];
        int j = 0;
        int seen = rawInWindow;
        for (int i = 0; i < count; i++) {
            out[j++] = tokens[from + i];
            if (++seen % ratio == 0) out[j++] = beaconId;
        }
        return out;
    }
}
