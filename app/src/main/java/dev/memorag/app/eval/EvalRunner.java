package dev.memorag.app.eval;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.embedding.Embedder;
import dev.memorag.worker.memory.MemoryWatermarks;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every mode on every example through a running stack: each distinct context is ingested once into its own
 * corpus, then each (mode, example) pair not yet in the results log is asked, scored and appended to the log.
 */
public final class EvalRunner {
    /** The modes that run, in the order they are asked. */
    public static final List<String> MODES = List.of(AskHttpMode.BM25, AskHttpMode.DENSE, AskHttpMode.HYBRID);

    /**
     * Modes that cannot run here, with the reason. {@code memorag} needs a beacon memory checkpoint; the worker
     * runs without one (memory backend {@value MemoryWatermarks#NONE}), and a question-only run under that
     * name would only repeat {@code dense}.
     */
    public static final Map<String, String> SKIPPED_MODES = Map.of(
            "memorag",
            "no memory checkpoint is configured "
                    + "(the worker's memory backend is '" + MemoryWatermarks.NONE + "'), so clue retrieval with the "
                    + "beacon memory model cannot run.");

    private final EmbeddedStack stack;
    private final ResultsLog log;
    private final PrintStream out;
    private final Duration ingestTimeout;

    public EvalRunner(EmbeddedStack stack, ResultsLog log, PrintStream out, Duration ingestTimeout) {
        this.stack = stack;
        this.log = log;
        this.out = out;
        this.ingestTimeout = ingestTimeout;
    }

    /** How many (mode, example) pairs are not in {@code scored} yet. */
    public static int pending(List<EvalExample> examples, Set<String> scored) {
        int pending = 0;
        for (EvalExample example : examples) {
            for (String mode : MODES) {
                pending += scored.contains(ResultsLog.key(mode, example.id())) ? 0 : 1;
            }
        }
        return pending;
    }

    /** Scores the pairs not in the log yet and returns how many it added. */
    public int run(List<EvalExample> examples) throws Exception {
        Set<String> scored = log.scoredKeys();
        Embedder embedder = Embedder.shared();
        Map<String, List<EvalExample>> byCorpus = new LinkedHashMap<>();
        examples.forEach(e ->
                byCorpus.computeIfAbsent(e.corpus(), c -> new ArrayList<>()).add(e));
        CorpusLoader loader = new CorpusLoader(stack.ingestUrl(), stack.adminToken(), out);
        ProgressBar bar = new ProgressBar(out, pending(examples, scored));
        int added = 0;
        List<Mode> modes = MODES.stream()
                .<Mode>map(name -> new AskHttpMode(name, stack.httpUrl(), stack.adminToken()))
                .toList();
        for (List<EvalExample> group : byCorpus.values()) {
            if (pending(group, scored) == 0) {
                continue;
            }
            loader.load(group.get(0).corpus(), group.get(0).context(), ingestTimeout);
            for (EvalExample example : group) {
                for (Mode mode : modes) {
                    if (scored.add(ResultsLog.key(mode.name(), example.id()))) {
                        log.append(score(example, mode.name(), mode.ask(example), embedder));
                        added++;
                        bar.step(mode.name() + " " + example.id());
                    }
                }
            }
        }
        return added;
    }

    static ExampleResult score(EvalExample example, String mode, Mode.Reply reply, Embedder embedder) {
        String retrieved = String.join("\n\n", reply.evidence());
        int evidenceTokens =
                reply.evidence().stream().mapToInt(embedder::countTokens).sum();
        return new ExampleResult(
                example.id(),
                example.task(),
                mode,
                example.corpus(),
                example.question(),
                reply.answer(),
                retrieved,
                Scorer.bestF1(reply.answer(), example.answers()),
                Scorer.bestExactMatch(reply.answer(), example.answers()),
                Scorer.answerRecall(retrieved, example.answers()),
                Scorer.holdsGold(reply.answer(), example.answers()),
                evidenceTokens,
                reply.latencyMs());
    }
}
