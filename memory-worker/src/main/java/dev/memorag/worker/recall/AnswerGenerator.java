package dev.memorag.worker.recall;

import dev.memorag.schemas.Question;
import dev.memorag.worker.memory.Prompts;
import java.util.List;
import java.util.function.Consumer;

/** Writes the answer from the retrieved evidence: {@code extractive}, {@code djl} (the memory model) or {@code openai}. */
public interface AnswerGenerator {

    /** What answers name as their generator. */
    String name();

    /** Streams the answer's text through {@code onText} as it is produced and returns it whole. */
    String answer(Request request, Consumer<String> onText);

    /** The question, its retriever vector, and the evidence passages in corpus order. */
    record Request(Question question, float[] questionVector, List<String> evidence) {

        /** The evidence as MemoRAG hands it to a generator: passages joined by blank lines. */
        public String context() {
            return String.join("\n\n", evidence);
        }

        /** MemoRAG's answer prompt for the task. */
        public String prompt() {
            return question.taskOrDefault() == Question.Task.SUMMARIZE
                    ? Prompts.summary(context())
                    : Prompts.answer(context(), question.question());
        }
    }
}
