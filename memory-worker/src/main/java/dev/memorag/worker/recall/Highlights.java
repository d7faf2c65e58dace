package dev.memorag.worker.recall;

import dev.memorag.schemas.Answer;
import java.util.ArrayList;
import java.util.List;

/** Places the sentences an answer quoted in their documents: passage start + offset within the passage. */
final class Highlights {

    private Highlights() {}

    /**
     * The evidence with each passage's quoted sentences as highlights, where the passage's own position is known;
     * passages nothing was quoted from keep no highlights.
     */
    static List<Answer.Evidence> mark(List<Answer.Evidence> evidence, List<Sentence> quoted) {
        List<List<Answer.Span>> spans = new ArrayList<>();
        evidence.forEach(e -> spans.add(new ArrayList<>()));
        for (Sentence s : quoted) {
            Answer.Evidence e = evidence.get(s.passage());
            if (e.start() != null) {
                spans.get(s.passage()).add(new Answer.Span(e.start() + s.start(), e.start() + s.end()));
            }
        }
        List<Answer.Evidence> marked = new ArrayList<>(evidence.size());
        for (int i = 0; i < evidence.size(); i++) {
            marked.add(
                    spans.get(i).isEmpty() ? evidence.get(i) : evidence.get(i).withHighlights(spans.get(i)));
        }
        return marked;
    }
}
