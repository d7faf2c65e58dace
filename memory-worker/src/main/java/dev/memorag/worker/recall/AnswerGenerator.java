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
    Generated answer(Request request, Consumer<String> onText);

    /** The question, its clues, its retriever vector, and the evidence passages in corpus order. */
    record Request(Question question, List<String> clues, float[] questionVector, List<String> evidence) {

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

    /**
     * An answer's text and the evidence sentences it quotes, so they can be highlighted where they stand; a
     * generator that writes its own words quotes none.
     */
    record Generated(String text, List<Sentence> quoted) {

        static Generated written(String text) {
            return new Generated(text, List.of());
        }
    }
}
