package dev.memorag.worker.recall;

import dev.memorag.schemas.Question;
import dev.memorag.worker.memory.CorpusMemories;
import dev.memorag.worker.memory.Prompts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recalls clues from a corpus's memory (beacon or gist) as MemoRAG does: greedy answers to the {@code span} (text
 * spans), {@code sur} (surrogate questions) and {@code qa} (draft answer) turns, or the {@code sum} key points for a
 * summary, split into lines; lines of three words or fewer are dropped. The question is always a clue of a QA task.
 */
public final class ClueGenerator {
    /** MemoRAG's budget for each clue turn. */
    static final int CLUE_TOKENS = 128;

    private static final List<String> QA_KINDS = List.of(Prompts.SPAN, Prompts.SUR, Prompts.QA);
    private static final Pattern NUMBERING = Pattern.compile("^\\s*(\\d+[.)]|[-*•])\\s*");
    private final ClueModel model;

    public ClueGenerator(ClueModel model) {
        this.model = model;
    }

    /** Clues from beacon memories. */
    public ClueGenerator(CorpusMemories memories) {
        this(new BeaconClues(memories));
    }

    public String backend() {
        return model.backend();
    }

    public List<String> clues(Question question) {
        boolean summary = question.taskOrDefault() == Question.Task.SUMMARIZE;
        List<String> turns = summary
                ? List.of(Prompts.SUM)
                : QA_KINDS.stream()
                        .map(p -> Prompts.withQuestion(p, question.inConversation()))
                        .toList();
        List<String> outputs = model.answers(question.corpus(), turns, CLUE_TOKENS);
        Set<String> clues = new LinkedHashSet<>();
        if (!summary) {
            clues.add(question.question());
        }
        for (String output : outputs) {
            clues.addAll(lines(output));
        }
        return List.copyOf(clues);
    }

    /** The lines of a clue answer worth searching with: more than three words, numbering removed. */
    static List<String> lines(String output) {
        List<String> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            String clue = NUMBERING.matcher(line).replaceFirst("").strip();
            if (clue.split("\\s+").length > 3) {
                out.add(clue);
            }
        }
        return out;
    }
}
