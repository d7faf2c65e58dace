package dev.memorag.worker.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Text in, text out over a memory: encodes a prompt, generates in a {@link RecallSession} (so the
 * memory is never modified), streams decoded text and stops at EOS or at the first stop string, which
 * is not part of the result. Text that could still be the start of a stop string is held back until
 * it is known not to be.
 */
public final class TextGenerator {
    private final BeaconModel model;
    private final ModelTokenizer tokenizer;

    public TextGenerator(BeaconModel model, ModelTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public String generate(BeaconMemory memory, String prompt, GenerationOptions options, Consumer<String> onText) {
        int[] promptIds = tokenizer.encode(prompt);
        if (promptIds.length == 0) throw new IllegalArgumentException("empty prompt");
        int holdBack =
                options.stopStrings().stream().mapToInt(String::length).max().orElse(1) - 1;
        List<Integer> ids = new ArrayList<>();
        StringBuilder emitted = new StringBuilder();
        String[] finalText = {null};
        try (RecallSession session = new RecallSession(memory)) {
            session.generate(promptIds, options, token -> {
                ids.add(token);
                String full = tokenizer.decode(
                        ids.stream().mapToInt(Integer::intValue).toArray());
                int stop = firstStop(full, options.stopStrings());
                if (stop >= 0) {
                    finalText[0] = full.substring(0, stop);
                    return false;
                }
                int safe = Math.max(emitted.length(), full.length() - holdBack);
                if (safe > emitted.length() && full.startsWith(emitted.toString())) {
                    String delta = full.substring(emitted.length(), safe);
                    emitted.append(delta);
                    onText.accept(delta);
                }
                return true;
            });
        }
        String text = finalText[0] != null
                ? finalText[0]
                : tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
        if (text.length() > emitted.length() && text.startsWith(emitted.toString()))
            onText.accept(text.substring(emitted.length()));
        return text;
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }
}
