package dev.memorag.worker.recall;

import dev.memorag.worker.llm.ChatMessage;
import dev.memorag.worker.llm.OpenAiClient;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code openai} generator: any OpenAI-compatible chat completions endpoint (vLLM, Ollama, llama.cpp server…),
 * streamed, with MemoRAG's answer prompt as the one user message.
 */
public final class OpenAiGenerator implements AnswerGenerator {
    private final OpenAiClient client;

    public OpenAiGenerator(OpenAiClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "openai:" + client.model();
    }

    @Override
    public Generated answer(Request request, Consumer<String> onText) {
        return Generated.written(client.stream(
                List.of(ChatMessage.user(request.prompt())), request.question().maxTokensOrDefault(), onText));
    }
}
