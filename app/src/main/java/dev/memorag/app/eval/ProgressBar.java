package dev.memorag.app.eval;

import java.io.PrintStream;

/** A one-line progress bar over the (mode, example) pairs a run has to score. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private int done;

    ProgressBar(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void step(String label) {
        done++;
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        out.printf(
                "\r[%s%s] %d/%d scored · %-40.40s", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, label);
        if (done == total) {
            out.println();
        }
        out.flush();
    }
}
