package dev.memorag.app.eval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** One LongBench-format line: a question over a context with its gold answers. */
public record EvalExample(String id, String task, String context, String question, List<String> answers) {

    /**
     * The corpus that holds this example's context: named by a hash of the context, so lines that share a context
     * share a corpus (ingested once) and the name always fits the corpus id pattern.
     */
    public String corpus() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(context.getBytes(StandardCharsets.UTF_8));
            return "eval-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
