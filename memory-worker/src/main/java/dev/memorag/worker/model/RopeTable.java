package dev.memorag.worker.model;

/**
 * Rotary-embedding cos/sin tables in the Hugging Face "rotate_half" layout: for position p and
 * dimension d, angle = p * theta^(-2(d mod half)/headDim). Computed in double and rounded once, so
 * the DJL path and the plain-Java reference use identical tables.
 */
public final class RopeTable {
    private RopeTable() {}

    /** Fills cos and sin ([positions * headDim], row-major) for positions [from, from + count). */
    public static void fill(double theta, int headDim, int from, int count, float[] cos, float[] sin) {
        int half = headDim / 2;
        double[] invFreq = new double[headDim];
        for (int d = 0; d < headDim; d++) invFreq[d] = Math.pow(theta, -2.0 * (d % half) / headDim);
        for (int p = 0; p < count; p++) {
            for (int d = 0; d < headDim; d++) {
                double angle = (double) (from + p) * invFreq[d];
                cos[p * headDim + d] = (float) Math.cos(angle);
                sin[p * headDim + d] = (float) Math.sin(angle);
            }
        }
    }
}
