package dev.memorag.worker.memory;

import dev.memorag.worker.model.BeaconMemory;
import dev.memorag.worker.model.BeaconModel;
import dev.memorag.worker.model.BeaconSettings;
import dev.memorag.worker.model.ChatTemplate;
import dev.memorag.worker.model.Checkpoint;
import dev.memorag.worker.model.ComputeDevice;
import dev.memorag.worker.model.GenerationOptions;
import dev.memorag.worker.model.ModelFingerprint;
import dev.memorag.worker.model.ModelTokenizer;
import dev.memorag.worker.model.TextGenerator;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A loaded memory checkpoint and the MemoRAG conversation around it. A corpus's stream is the chat template's first
 * user turn opened with the {@code context} prompt head, then every passage in corpus order; recall closes that turn
 * with the prompt tail and the fixed assistant reply, and asks in a fresh user turn.
 */
public final class MemoryModel implements AutoCloseable {
    private final BeaconModel model;
    private final ModelTokenizer tokenizer;
    private final ChatTemplate template;
    private final TextGenerator generator;
    private final String fingerprint;
    private final Set<Integer> stopIds;

    private MemoryModel(BeaconModel model, ModelTokenizer tokenizer, String fingerprint) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = ChatTemplate.forModelType(model.config().modelType());
        this.generator = new TextGenerator(model, tokenizer);
        this.fingerprint = fingerprint;
        this.stopIds = new HashSet<>(model.config().eosTokenIds());
    }

    /** Loads {@code dir} with the beacon ratio MemoRAG runs the checkpoint with (null keeps config.json's). */
    public static MemoryModel load(Path dir, ComputeDevice device, Integer ratio) {
        BeaconSettings beacon;
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            BeaconSettings configured = checkpoint.config().beacon();
            beacon = ratio == null ? configured : new BeaconSettings(configured.window(), ratio);
        }
        BeaconModel model = BeaconModel.load(dir, device, beacon);
        try {
            return new MemoryModel(
                    model,
                    ModelTokenizer.load(dir.resolve("tokenizer.json")),
                    ModelFingerprint.of(dir, beacon, device.precision()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public BeaconModel model() {
        return model;
    }

    /** Identifies checkpoint and beacon settings; a memory is only ever read by the model that wrote it. */
    public String fingerprint() {
        return fingerprint;
    }

    /** What every corpus stream starts with. */
    public int[] streamStart() {
        int[] opening = tokenizer.encode(template.userPrefix() + Prompts.CONTEXT_HEAD);
        if (!template.startsWithBos() || model.config().bosTokenId() == null) {
            return opening;
        }
        int[] withBos = new int[opening.length + 1];
        withBos[0] = model.config().bosTokenId();
        System.arraycopy(opening, 0, withBos, 1, opening.length);
        return withBos;
    }

    /** A passage's tokens in the stream; passages are separated by a blank line. */
    public int[] passage(String text) {
        return tokenizer.encode(text + "\n\n");
    }

    /**
     * Answers one user turn after the memory (greedy), streaming text as it is decoded. The memory is only read;
     * the caller holds it against concurrent extension.
     */
    public String generate(BeaconMemory memory, String turn, int maxNewTokens, Consumer<String> onText) {
        String prompt =
                template.userSuffixAndReply(Prompts.CONTEXT_TAIL, Prompts.DULL_REPLY) + template.nextUserTurn(turn);
        GenerationOptions options =
                GenerationOptions.greedy(maxNewTokens, stopIds).withStopStrings(List.of(template.stopString()));
        return generator.generate(memory, prompt, options, onText);
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
