package dev.memorag.app.eval;

import java.util.List;

/** One way of answering an eval question: a retriever feeding the extractive generator. */
interface Mode {
    String name();

    Reply ask(EvalExample example) throws Exception;

    /** What the mode answered, from which passages, and how long it took from question to answer. */
    record Reply(String answer, List<String> evidence, long latencyMs) {}
}
