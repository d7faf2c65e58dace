package dev.memorag.worker.model;

import java.util.List;
import java.util.Set;

/**
 * Decoding settings: temperature 0 means greedy (what MemoRAG uses for clues and answers);
 * otherwise temperature + nucleus (top-p) sampling from a seeded generator, so runs repeat.
 */
public record GenerationOptions(
        int maxNewTokens,
        double temperature,
        double topP,
        long seed,
        Set<Integer> stopTokenIds,
        List<String> stopStrings) {

    public GenerationOptions {
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1");
        if (temperature < 0 || topP <= 0 || topP > 1)
            throw new IllegalArgumentException("need temperature >= 0 and 0 < topP <= 1");
        stopTokenIds = Set.copyOf(stopTokenIds);
        stopStrings = List.copyOf(stopStrings);
    }

    public static GenerationOptions greedy(int maxNewTokens, Set<Integer> stopTokenIds) {
        return new GenerationOptions(maxNewTokens, 0, 1, 0, stopTokenIds, List.of());
    }

    public GenerationOptions withSampling(double newTemperature, double newTopP, long newSeed) {
        return new GenerationOptions(maxNewTokens, newTemperature, newTopP, newSeed, stopTokenIds, stopStrings);
    }

    public GenerationOptions withStopStrings(List<String> strings) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, stopTokenIds, strings);
    }
}
