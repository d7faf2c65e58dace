package dev.memorag.worker.memory;

/**
 * MemoRAG's English prompts, verbatim (the released memory checkpoints were trained on them). {@code context} wraps
 * the corpus: its head starts the persisted stream, its tail closes the memorize turn at recall time.
 */
public final class Prompts {
    private static final String CONTEXT = """
            You are provided with a long article. Read the article carefully. After reading, you will be asked to \
            perform specific tasks based on the content of the article.

            Now, the article begins:
            - **Article Content:** {context}

            The article ends here.

            Next, follow the instructions provided to complete the tasks.""";
    public static final String CONTEXT_HEAD = CONTEXT.substring(0, CONTEXT.indexOf("{context}"));
    public static final String CONTEXT_TAIL = CONTEXT.substring(CONTEXT.indexOf("{context}") + "{context}".length());
    public static final String DULL_REPLY = "I have read the article. Please provide your question.";

    /** Clue kind: surrogate questions. */
    public static final String SUR = """

            You are given a question related to the article. To answer it effectively, you need to recall specific \
            details from the article. Your task is to generate precise clue questions that can help locate the \
            necessary information.

            ### Question: {question}
            ### Instructions:
            1. You have a general understanding of the article. Your task is to generate one or more specific clues \
            that will help in searching for supporting evidence within the article.
            2. The clues are in the form of precise surrogate questions that clarify the original question.
            3. Only output the clues. If there are multiple clues, separate them with a newline.""";

    /** Clue kind: text spans recalled from the article. */
    public static final String SPAN = """

            You are given a question related to the article. To answer it effectively, you need to recall specific \
            details from the article. Your task is to identify and extract one or more specific clue texts from the \
            article that are relevant to the question.

            ### Question: {question}
            ### Instructions:
            1. You have a general understanding of the article. Your task is to generate one or more specific clues \
            that will help in searching for supporting evidence within the article.
            2. The clues are in the form of text spans that will assist in answering the question.
            3. Only output the clues. If there are multiple clues, separate them with a newline.""";

    /** Clue kind: a draft answer from memory. */
    public static final String QA = """

            You are given a question related to the article. Your task is to answer the question directly.

            ### Question: {question}
            ### Instructions:
            Provide a direct answer to the question based on the article's content. Do not include any additional \
            text beyond the answer.""";

    /** Summaries: key points recalled from memory serve as clues. */
    public static final String SUM = """

            Your task is to create a concise summary of the long article by listing its key points. Each key point \
            should be listed on a new line and numbered sequentially.

            ### Requirements:

            - The key points should be brief and focus on the main ideas or events.
            - Ensure that each key point captures the most critical and relevant information from the article.
            - Maintain clarity and coherence, making sure the summary effectively conveys the essence of the article.
            """;

    /** MemoRAG-Lite: one group of passages, or older gists, compressed into a gist. */
    public static final String GIST = "Please summarize the core content of the following text, remove redundant "
            + "information, and compress it into concise and accurate text. Retain all key facts and points. The "
            + "language should be straightforward and concise, and do not use any formatting.\n\nText: {context}"
            + "\n\nPlease output the core content directly.";

    public static final String QA_GEN =
            "Read the text below and answer a question.\n\n{context}\n\nQuestion: {input}\n\nBe concise.";
    public static final String SUM_GEN = "Summarize the following text.\n\n{context}";

    private Prompts() {}

    /** The memorize turn around a whole (text) memory. */
    public static String context(String memory) {
        return CONTEXT_HEAD + memory + CONTEXT_TAIL;
    }

    public static String gist(String text) {
        return GIST.replace("{context}", text);
    }

    public static String withQuestion(String prompt, String question) {
        return prompt.replace("{question}", question);
    }

    public static String answer(String evidence, String question) {
        return QA_GEN.replace("{context}", evidence).replace("{input}", question);
    }

    public static String summary(String evidence) {
        return SUM_GEN.replace("{context}", evidence);
    }
}
