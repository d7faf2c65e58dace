package dev.memorag.worker.recall;

import dev.memorag.worker.memory.CorpusMemories;
import dev.memorag.worker.memory.MemoryModel;
import dev.memorag.worker.memory.MemoryWatermarks;
import java.util.ArrayList;
import java.util.List;

/** Clues from a beacon memory: each turn generated greedily after the corpus's restored KV memory. */
public final class BeaconClues implements ClueModel {
    private final CorpusMemories memories;

    public BeaconClues(CorpusMemories memories) {
        this.memories = memories;
    }

    @Override
    public String backend() {
        return MemoryWatermarks.BEACON;
    }

    @Override
    public List<String> answers(String corpus, List<String> turns, int maxTokens) {
        return memories.read(corpus, loaded -> {
            MemoryModel model = memories.model();
            List<String> texts = new ArrayList<>();
            for (String turn : turns) {
                texts.add(model.generate(loaded.memory(), turn, maxTokens, text -> {}));
            }
            return texts;
        });
    }
}
