package dev.memorag.worker.model;

/**
 * The chat formats of the two supported checkpoints, rendered in Java instead of evaluating the
 * Jinja templates: Qwen2 ChatML and Mistral [INST]. The memorize turn is split so the corpus can be
 * streamed: {@link #userPrefix()} + corpus is the persisted stream, and {@link #userSuffixAndReply}
 * closes the turn at recall time, in front of the recall turn.
 */
public enum ChatTemplate {
    QWEN2(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n",
            "<|im_end|>\n<|im_start|>assistant\n",
            "<|im_end|>\n",
            "<|im_start|>user\n",
            "<|im_end|>"),
    MISTRAL("[INST] ", " [/INST]", "</s>", "[INST] ", "</s>");

    private final String firstUserPrefix;
    private final String assistantPrefix;
    private final String assistantEnd;
    private final String nextUserPrefix;
    private final String stopString;

    ChatTemplate(
            String firstUserPrefix,
            String assistantPrefix,
            String assistantEnd,
            String nextUserPrefix,
            String stopString) {
        this.firstUserPrefix = firstUserPrefix;
        this.assistantPrefix = assistantPrefix;
        this.assistantEnd = assistantEnd;
        this.nextUserPrefix = nextUserPrefix;
        this.stopString = stopString;
    }

    public static ChatTemplate forModelType(String modelType) {
        return switch (modelType) {
            case "qwen2" -> QWEN2;
            case "mistral" -> MISTRAL;
            default -> throw new ModelLoadException("no chat template for model_type '" + modelType + "'");
        };
    }

    /** Opens the conversation and the first user turn (the memorize turn, before the corpus). */
    public String userPrefix() {
        return firstUserPrefix;
    }

    /** Closes a user turn whose text ended with {@code userTail}, then the fixed assistant reply and its end. */
    public String userSuffixAndReply(String userTail, String reply) {
        return userTail + assistantPrefix + reply + assistantEnd;
    }

    /** A complete later user turn, leaving the assistant to speak. */
    public String nextUserTurn(String text) {
        return nextUserPrefix + text + assistantPrefix;
    }

    /**
     * Whether the conversation starts with the BOS token (Mistral's template does, Qwen2's does not).
     * Text is encoded without special tokens, so the caller prepends {@link ModelConfig#bosTokenId()}.
     */
    public boolean startsWithBos() {
        return this == MISTRAL;
    }

    /** Text that ends an assistant turn; generation stops there. */
    public String stopString() {
        return stopString;
    }
}
