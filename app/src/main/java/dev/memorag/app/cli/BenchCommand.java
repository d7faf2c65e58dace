package dev.memorag.app.cli;

import dev.memorag.app.StackConfig;
import dev.memorag.app.bench.AnswerFanoutBench;
import dev.memorag.app.bench.ChatBench;
import dev.memorag.app.bench.DeadLetterBench;
import dev.memorag.app.bench.EdgeBench;
import dev.memorag.app.bench.IngestBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks that print side-by-side measurements of one run; results go to docs/benchmarks.md. */
@Command(
        name = "bench",
        description = "Run a benchmark and print its table (settings: the MEMORAG_* variables).",
        subcommands = {
            BenchCommand.Ingest.class,
            BenchCommand.DeadLetters.class,
            BenchCommand.Edge.class,
            BenchCommand.Chat.class,
            BenchCommand.Answers.class
        })
final class BenchCommand {

    @Command(name = "ingest", description = "End-to-end ingest throughput vs bare chunk + embed of the same texts.")
    static final class Ingest implements Callable<Integer> {
        @Mixin
        SampleText text;

        @Option(names = "--documents", description = "how many documents to split it into (default 24)")
        int documents = 24;

        @Option(
                names = "--rounds",
                description = "how many times the documents are sent, under new ids, so that "
                        + "start-up and the last checkpoint weigh little (default 3)")
        int rounds = 3;

        @Option(
                names = "--warmup-rounds",
                description = "rounds each path processes, under other ids, before its "
                        + "clock starts: the pipeline's job is deployed and its code compiled, as the bare path's model is "
                        + "loaded (default 1; 0 times a cold pipeline)")
        int warmupRounds = 1;

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("memorag-bench");
            List<String> parts = IngestBench.documents(text.read(), documents);
            new IngestBench(
                            repeat(parts, rounds),
                            repeat(parts, warmupRounds),
                            StackConfig.fromEnvironment(),
                            System.out)
                    .run(work);
            return 0;
        }
    }

    @Command(name = "dlq", description = "Ingest with bad records mixed in vs clean ingest of the same documents.")
    static final class DeadLetters implements Callable<Integer> {
        @Mixin
        SampleText text;

        @Option(names = "--documents", description = "documents per run (default 1000)")
        int documents = 1000;

        @Option(
                names = "--bad-per-document",
                description = "bad records after each document in the mixed run "
                        + "(default 10: 10 000 bad records for the default 1000 documents)")
        int badPerDocument = 10;

        @Override
        public Integer call() throws Exception {
            List<String> paragraphs = IngestBench.documents(text.read(), documents);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < documents; i++) {
                texts.add(paragraphs.get(i % paragraphs.size()));
            }
            new DeadLetterBench(texts, badPerDocument, StackConfig.fromEnvironment(), System.out)
                    .run(Files.createTempDirectory("memorag-bench"));
            return 0;
        }
    }

    /** The text a benchmark ingests: {@code --file}, by default the demo's book. */
    static final class SampleText {
        @Option(names = "--file", description = "corpus text (default samples/a-christmas-carol.txt)")
        Path file = Path.of("samples", "a-christmas-carol.txt");

        String read() throws IOException {
            return Files.readString(file);
        }
    }

    private static List<String> repeat(List<String> parts, int rounds) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            texts.addAll(parts);
        }
        return texts;
    }

    @Command(name = "edge", description = "N concurrent WebSocket clients vs direct calls to the worker's recall path.")
    static final class Edge implements Callable<Integer> {
        @Mixin
        SampleText text;

        @Option(names = "--clients", split = ",", description = "concurrencies (default 16,64,256)")
        List<Integer> clients = List.of(16, 64, 256);

        @Option(names = "--questions", description = "questions each client asks in turn (default 4)")
        int questions = 4;

        @Override
        public Integer call() throws Exception {
            new EdgeBench(text.read(), DemoCommand.QUESTIONS, questions, System.out)
                    .run(Files.createTempDirectory("memorag-bench"), clients);
            return 0;
        }
    }

    @Command(
            name = "chat",
            description = "The same questions through /v1/chat/completions and /ask, JSON and "
                    + "streamed, interleaved: the OpenAI layer's cost as a ratio.")
    static final class Chat implements Callable<Integer> {
        @Mixin
        SampleText text;

        @Option(names = "--clients", split = ",", description = "concurrencies (default 1,4)")
        List<Integer> clients = List.of(1, 4);

        @Option(names = "--questions", description = "questions each client asks on every route (default 8)")
        int questions = 8;

        @Override
        public Integer call() throws Exception {
            new ChatBench(text.read(), DemoCommand.QUESTIONS, questions, System.out)
                    .run(Files.createTempDirectory("memorag-bench"), clients);
            return 0;
        }
    }

    @Command(
            name = "answers",
            description = "Query-service CPU per answer with 1, 2, 4 instances (separate "
                    + "processes), this build beside a baseline build's query services.")
    static final class Answers implements Callable<Integer> {
        @Mixin
        SampleText text;

        @Option(names = "--instances", split = ",", description = "query-service instance counts (default 1,2,4)")
        List<Integer> instances = List.of(1, 2, 4);

        @Option(names = "--asks", description = "HTTP asks measured per row (default 200)")
        int asks = 200;

        @Option(names = "--concurrency", description = "asks in flight at once (default 8)")
        int concurrency = 8;

        @Option(
                names = "--baseline-classpath",
                description = "classpath of another build whose query services "
                        + "run first in each row pair, e.g. its app/target/memorag-app.jar:app/target/lib/* (default: none, "
                        + "this build only)")
        String baseline;

        @Override
        public Integer call() throws Exception {
            List<AnswerFanoutBench.Build> builds = new ArrayList<>();
            if (baseline != null) {
                builds.add(new AnswerFanoutBench.Build("baseline", baseline));
            }
            builds.add(new AnswerFanoutBench.Build("this", System.getProperty("java.class.path")));
            new AnswerFanoutBench(text.read(), asks, concurrency, System.out)
                    .run(Files.createTempDirectory("memorag-bench"), instances, builds);
            return 0;
        }
    }
}
