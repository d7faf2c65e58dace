package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A question for one corpus; mirrors question.schema.json. Optional fields fall back to the defaults below;
 * {@code conversation} holds the earlier turns of a chat (the OpenAI-compatible edge fills it), null for a question
 * asked on its own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Question(
        int schemaVersion,
        String id,
        String corpus,
        String question,
        Task task,
        Integer topK,
        Integer maxTokens,
        Boolean clues,
        Boolean stream,
        Retrieval retrieval,
        String conversation) {

    public static final int DEFAULT_TOP_K = 3;
    public static final int DEFAULT_MAX_TOKENS = 256;

    /** A question asked on its own, outside a conversation. */
    public Question(
            int schemaVersion,
            String id,
            String corpus,
            String question,
            Task task,
            Integer topK,
            Integer maxTokens,
            Boolean clues,
            Boolean stream,
            Retrieval retrieval) {
        this(schemaVersion, id, corpus, question, task, topK, maxTokens, clues, stream, retrieval, null);
    }

    public static Question of(String id, String corpus, String question) {
        return new Question(1, id, corpus, question, Task.QA, null, null, null, null, null);
    }

    public Task taskOrDefault() {
        return task == null ? Task.QA : task;
    }

    public int topKOrDefault() {
        return topK == null ? DEFAULT_TOP_K : topK;
    }

    public int maxTokensOrDefault() {
        return maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens;
    }

    public boolean cluesOrDefault() {
        return clues == null || clues;
    }

    /** The retrieval the question asked for, else the worker's default. */
    public Retrieval retrievalOr(Retrieval fallback) {
        return retrieval == null ? fallback : retrieval;
    }

    public Question withId(String newId) {
        return new Question(
                schemaVersion, newId, corpus, question, task, topK, maxTokens, clues, stream, retrieval, conversation);
    }

    /**
     * What a clue prompt asks about: the question, after the conversation it continues where there is one, so that
     * a follow-up such as "and who sent it?" recalls from the right context.
     */
    public String inConversation() {
        return conversation == null
                ? question
                : "Conversation so far:\n" + conversation + "\n\nCurrent question: " + question;
    }

    public enum Task {
        QA,
        SUMMARIZE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How passages are found: bge-small vectors, BM25 over the words, or both fused. */
    public enum Retrieval {
        DENSE,
        BM25,
        HYBRID;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** A wire name ({@code dense}, {@code bm25}, {@code hybrid}); anything else is refused with the choices. */
        public static Retrieval of(String wire) {
            for (Retrieval r : values()) {
                if (r.wire().equals(wire.strip().toLowerCase(java.util.Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("retrieval '" + wire + "': choose from dense, bm25, hybrid");
        }
    }
}
