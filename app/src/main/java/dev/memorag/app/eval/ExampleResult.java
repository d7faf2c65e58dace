package dev.memorag.app.eval;

/**
 * One scored (mode, example) pair, one line of {@code results.jsonl}. {@code id}, {@code answer} and
 * {@code retrieved} use score.py's prediction field names, so the lines of one mode can be fed to it directly.
 *
 * @param retrieved      the evidence passages, joined by blank lines
 * @param recall         answer recall of {@code retrieved}: 1 or 0
 * @param holds          whether {@code answer} holds a gold answer: 1 or 0 (0 in lines written before it existed)
 * @param evidenceTokens retriever tokens in the evidence, what a generator would have to read
 * @param latencyMs      wall time from question to answer as the mode measures it
 */
public record ExampleResult(
        String id,
        String task,
        String mode,
        String corpus,
        String question,
        String answer,
        String retrieved,
        double f1,
        double em,
        double recall,
        double holds,
        int evidenceTokens,
        long latencyMs) {}
