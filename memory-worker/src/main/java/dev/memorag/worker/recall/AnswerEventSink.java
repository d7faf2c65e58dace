package dev.memorag.worker.recall;

import dev.memorag.schemas.AnswerEvent;

/** Where the events of answering one question go, in order. */
@FunctionalInterface
public interface AnswerEventSink {
    void emit(AnswerEvent event);
}
