package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.worker.bench.BenchLog;
import dev.memorag.worker.bench.ResidentSet;
import dev.memorag.worker.model.ComputeDevice.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The proof that a real MemoRAG checkpoint runs on this machine: a random checkpoint with Qwen2-7B's exact shapes
 * (hidden 3584, 28 query / 4 KV heads, intermediate 18944, vocab 152064, untied LM head, BF16, sharded safetensors)
 * is loaded, memorizes whole windows and decodes. Skipped unless -Dmemorag.bench=true. Settings:
 * -Dmemorag.bench.7b.layers (default 28, the real model; fewer layers validate the path at a fraction of the RAM),
 * -Dmemorag.bench.7b.dir (an already written checkpoint; default /tmp/memorag-qwen2-7b-shape-{layers}l, written
 * there on first use and kept for later runs: delete it when done), -Dmemorag.bench.7b.dtype (bf16, fp32),
 * -Dmemorag.bench.7b.windows (windows of 2048 tokens to memorize, default 2), -Dmemorag.bench.7b.decode (tokens to
 * decode, default 16). Results also in target/benchmark-7b.txt.
 */
class Qwen2SevenBShapeBenchmark {
    private static final BenchLog LOG = new BenchLog(Path.of("target/benchmark-7b.txt"));
    private static final int VOCAB = 152064;
    private static final int CAROL_TOKENS = 45_000;
    private static final int CLUE_PROMPTS = 3, CLUE_TOKENS = 128, PROMPT_TOKENS = 64;

    @Test
    void qwen2SevenBShapes() throws IOException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int layers = Integer.getInteger("memorag.bench.7b.layers", 28);
        Precision precision = Precision.of(System.getProperty("memorag.bench.7b.dtype", "bf16"));
        int windows = Integer.getInteger("memorag.bench.7b.windows", 2);
        int decode = Integer.getInteger("memorag.bench.7b.decode", 16);
        Path dir = Path.of(System.getProperty("memorag.bench.7b.dir", "/tmp/memorag-qwen2-7b-shape-" + layers + "l"));
        TinyCheckpointWriter.Spec spec = new TinyCheckpointWriter.Spec(
                "qwen2", layers, 3584, 28, 4, 18944, 2048, 4, TensorDType.BF16, Math.max(1, layers / 7), false, 1);
        if (!Files.exists(dir.resolve("config.json"))) {
            double writeS = BenchLog.timed(() -> {
                try {
                    TinyCheckpointWriter.write(dir, spec, VOCAB);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            LOG.report("7b-shape: wrote %d layers to %s in %.0f s", layers, dir, writeS);
        }
        long diskBytes;
        try (Stream<Path> files = Files.list(dir)) {
            diskBytes = files.filter(f -> f.toString().endsWith(".safetensors"))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
        LOG.report(
                "7b-shape start: %s, %d layers, %.2f GB of safetensors, dtype %s, torch threads %s, load average %s",
                dir,
                layers,
                diskBytes / 1e9,
                precision.wire(),
                System.getProperty("ai.djl.pytorch.num_threads"),
                BenchLog.loadAverage());
        long before = ResidentSet.bytes();
        long t0 = System.nanoTime();
        try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(precision), null);
                BeaconMemory memory = BeaconMemory.empty(model)) {
            double loadS = BenchLog.seconds(t0);
            System.gc();
            long loaded = ResidentSet.bytes();
            LOG.report(
                    "7b-shape load: %.1f s, resident %.2f GB (+%.2f GB for the model; %.2f GB of parameters in %s)",
                    loadS,
                    loaded / 1e9,
                    (loaded - before) / 1e9,
                    model.config().parameterCount() * (double) precision.rowBytes() / 1e9,
                    precision.wire());

            int tokens = windows * model.beacon().window();
            int[] stream = TinyModels.tokens(5, tokens);
            double memorizeS = BenchLog.timed(() -> memory.extend(stream));
            LOG.report(
                    "7b-shape memorize: %d tokens (%d windows) in %.1f s, %.1f tokens/s, resident %.2f GB",
                    tokens, windows, memorizeS, tokens / memorizeS, ResidentSet.bytes() / 1e9);

            try (RecallSession session = new RecallSession(memory)) {
                int[] prompt = TinyModels.tokens(6, PROMPT_TOKENS);
                double promptS = BenchLog.timed(() -> session.feed(prompt));
                double decodeS = BenchLog.timed(() -> session.generate(
                        TinyModels.tokens(7, 1), GenerationOptions.greedy(decode, Set.of()), t -> true));
                double decodeRate = decode / decodeS;
                LOG.report(
                        "7b-shape recall: %d-token prompt in %.1f s (%.1f tokens/s), decode %d tokens in %.1f s, %.2f tokens/s; peak resident "
                                + "%.2f GB",
                        PROMPT_TOKENS,
                        promptS,
                        PROMPT_TOKENS / promptS,
                        decode,
                        decodeS,
                        decodeRate,
                        ResidentSet.peakBytes() / 1e9);
                double carolS = CAROL_TOKENS / (tokens / memorizeS);
                double questionS = CLUE_PROMPTS * (promptS + CLUE_TOKENS / decodeRate);
                LOG.report(
                        "7b-shape projection at %d layers (at this memory size; longer memories add attention): memorize A Christmas "
                                + "Carol (%d tokens) %.0f min; one question, %d clue prompts of %d prompt + %d new tokens, %.0f s",
                        layers, CAROL_TOKENS, carolS / 60, CLUE_PROMPTS, PROMPT_TOKENS, CLUE_TOKENS, questionS);
            }
        }
    }
}
