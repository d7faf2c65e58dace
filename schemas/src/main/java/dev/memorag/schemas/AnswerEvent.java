package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/** One step of answering a question, on {@code memorag.answer-events}; mirrors answer-event.schema.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnswerEvent(
        int schemaVersion,
        String questionId,
        String corpus,
        Type type,
        int seq,
        List<String> clues,
        List<Answer.Evidence> evidence,
        String text,
        Answer answer,
        ErrorInfo error) {

    public static AnswerEvent clues(String questionId, String corpus, int seq, List<String> clues) {
        return new AnswerEvent(1, questionId, corpus, Type.CLUES, seq, clues, null, null, null, null);
    }

    public static AnswerEvent evidence(String questionId, String corpus, int seq, List<Answer.Evidence> evidence) {
        return new AnswerEvent(1, questionId, corpus, Type.EVIDENCE, seq, null, evidence, null, null, null);
    }

    public static AnswerEvent token(String questionId, String corpus, int seq, String text) {
        return new AnswerEvent(1, questionId, corpus, Type.TOKEN, seq, null, null, text, null, null);
    }

    public static AnswerEvent done(int seq, Answer answer) {
        return new AnswerEvent(1, answer.questionId(), answer.corpus(), Type.DONE, seq, null, null, null, answer, null);
    }

    public static AnswerEvent error(String questionId, String corpus, int seq, ErrorInfo error) {
        return new AnswerEvent(1, questionId, corpus, Type.ERROR, seq, null, null, null, null, error);
    }

    /** True for the last event of a question. */
    public boolean terminal() {
        return type == Type.DONE || type == Type.ERROR;
    }

    public enum Type {
        CLUES,
        EVIDENCE,
        TOKEN,
        DONE,
        ERROR;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
