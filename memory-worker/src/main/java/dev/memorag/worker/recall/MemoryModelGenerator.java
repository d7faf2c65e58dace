package dev.memorag.worker.recall;

import dev.memorag.worker.memory.CorpusMemories;
import java.util.function.Consumer;

/**
 * The {@code djl} generator: the memory checkpoint itself answers, after the corpus's memory (MemoRAG restores the
 * memory before it generates), from MemoRAG's answer prompt over the evidence.
 */
public final class MemoryModelGenerator implements AnswerGenerator {
    public static final String NAME = "djl";
    private final CorpusMemories memories;

    public MemoryModelGenerator(CorpusMemories memories) {
        this.memories = memories;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Generated answer(Request request, Consumer<String> onText) {
        return Generated.written(memories.read(
                request.question().corpus(),
                loaded -> memories.model()
                        .generate(
                                loaded.memory(),
                                request.prompt(),
                                request.question().maxTokensOrDefault(),
                                onText)));
    }
}
