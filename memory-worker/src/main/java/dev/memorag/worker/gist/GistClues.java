package dev.memorag.worker.gist;

import dev.memorag.worker.llm.ChatMessage;
import dev.memorag.worker.llm.OpenAiClient;
import dev.memorag.worker.memory.MemoryWatermarks;
import dev.memorag.worker.memory.Prompts;
import dev.memorag.worker.recall.ClueModel;
import dev.memorag.worker.store.CorpusStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Clues from a gist memory, asked of the endpoint as MemoRAG asks its memory model: the memorize turn (MemoRAG's
 * {@code context} prompt around the gist memory) and its fixed reply, then the recall turn. The memorize turn comes
 * first and is the same bytes for every question until the memory changes, so servers with prefix caching (vLLM,
 * SGLang) keep its KV across questions and pay only for the recall turn.
 */
public final class GistClues implements ClueModel {
    private final CorpusStore store;
    private final OpenAiClient endpoint;
    private final GistSettings settings;

    public GistClues(CorpusStore store, OpenAiClient endpoint, GistSettings settings) {
        this.store = store;
        this.endpoint = endpoint;
        this.settings = settings;
    }

    @Override
    public String backend() {
        return MemoryWatermarks.GIST;
    }

    @Override
    public List<String> answers(String corpus, List<String> turns, int maxTokens) {
        ChatMessage memory = ChatMessage.user(Prompts.context(GistMemory.text(store, corpus, settings)));
        ChatMessage read = ChatMessage.assistant(Prompts.DULL_REPLY);
        List<String> out = new ArrayList<>();
        for (String turn : turns) {
            out.add(endpoint.complete(List.of(memory, read, ChatMessage.user(turn)), maxTokens));
        }
        return out;
    }
}
