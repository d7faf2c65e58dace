package dev.memorag.worker;

import dev.memorag.clients.KafkaClients;
import dev.memorag.embedding.Embedder;
import dev.memorag.health.Health;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.MemoryBackend;
import dev.memorag.worker.gist.GistClues;
import dev.memorag.worker.gist.GistMemorizer;
import dev.memorag.worker.llm.OpenAiClient;
import dev.memorag.worker.llm.RetryPolicy;
import dev.memorag.worker.memory.CorpusMemories;
import dev.memorag.worker.memory.Memorizer;
import dev.memorag.worker.memory.MemoryModel;
import dev.memorag.worker.memory.MemoryProblems;
import dev.memorag.worker.memory.MemoryWatermarks;
import dev.memorag.worker.memory.QuestionGate;
import dev.memorag.worker.model.ComputeDevice;
import dev.memorag.worker.recall.AnswerGenerator;
import dev.memorag.worker.recall.ClueGenerator;
import dev.memorag.worker.recall.ExtractiveGenerator;
import dev.memorag.worker.recall.MemoryModelGenerator;
import dev.memorag.worker.recall.OpenAiGenerator;
import dev.memorag.worker.recall.RecallService;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.RocksCorpusStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One memory worker and everything it owns, started in dependency order and closed in reverse: the RocksDB store,
 * the memory model and its device cache, the memorizer, the recall service, the Kafka producer and the consumer loop.
 */
public final class WorkerRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    /**
     * Passages per memorization step, each step one atomic write of the windows it completes: four 512-token
     * passages are about one 2048-token window, so a crash costs at most a window or so of recomputation.
     */
    static final int CHUNKS_PER_STEP = 4;
    /** How long a corpus whose gist endpoint failed (past the client's retries) waits before it is tried again. */
    static final Duration GIST_RETRY_PAUSE = Duration.ofSeconds(30);

    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private CorpusStore store;
    private RetrievalIndex retrieval;
    private RecallService recall;

    private WorkerRuntime() {}

    /** Starts a worker; on failure everything started so far is closed again. */
    public static WorkerRuntime start(
            WorkerConfig config, TopicCatalog topics, Embedder embedder, Health health, MeterRegistry metrics) {
        WorkerRuntime runtime = new WorkerRuntime();
        try {
            runtime.wire(config, topics, embedder, health, metrics);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void wire(
            WorkerConfig config, TopicCatalog topics, Embedder embedder, Health health, MeterRegistry metrics) {
        ModelSettings settings = config.model();
        store = own(new RocksCorpusStore(config.stateDir()));
        retrieval = own(RetrievalIndex.attach(store, config.retrieval()));
        retrieval.warmInBackground();
        QuestionGate gate = new QuestionGate();
        MemoryProblems problems = new MemoryProblems();
        CorpusMemories memories = null;
        if (settings.modelDir() != null) {
            MemoryModel model = own(MemoryModel.load(
                    settings.modelDir(),
                    ComputeDevice.select(settings.device(), settings.dtype(), settings.modelDir()),
                    settings.beaconRatio()));
            memories = own(new CorpusMemories(model, store, settings.cacheBytes()));
        }
        OpenAiClient memoryEndpoint = settings.memory() == MemoryBackend.GIST
                ? new OpenAiClient(
                        settings.openAiUrl(), settings.memoryModel(), settings.openAiKey(), RetryPolicy.DEFAULT)
                : null;
        ClueGenerator clues = switch (settings.memory()) {
            case BEACON -> new ClueGenerator(memories);
            case GIST -> new ClueGenerator(new GistClues(store, memoryEndpoint, settings.gist()));
            case NONE -> null;
        };
        AnswerGenerator generator = switch (settings.generator()) {
            case DJL -> new MemoryModelGenerator(memories);
            case OPENAI ->
                new OpenAiGenerator(new OpenAiClient(
                        settings.openAiUrl(), settings.openAiModel(), settings.openAiKey(), RetryPolicy.DEFAULT));
            case EXTRACTIVE -> new ExtractiveGenerator(embedder, 3);
        };
        recall = new RecallService(store, retrieval, embedder, clues, generator, gate, problems);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config.bootstrapServers()));
        owned.push(() -> producer.close(Duration.ofSeconds(10)));
        // refused records keep their original key bytes, which need not be UTF-8
        KafkaProducer<byte[], byte[]> deadLetterProducer =
                new KafkaProducer<>(KafkaClients.bytesProducer(config.bootstrapServers()));
        owned.push(() -> deadLetterProducer.close(Duration.ofSeconds(10)));
        ProgressReporter progress =
                new ProgressReporter(producer, topics, store, settings.memory().wire(), problems);
        progress.resendAll();
        Runnable passagesStored = () -> {};
        if (settings.memory() == MemoryBackend.BEACON) {
            Memorizer memorizer = own(new Memorizer(memories, store, gate, progress, CHUNKS_PER_STEP));
            memorizer.start(health.part("worker.memorizer"));
            passagesStored = memorizer::wake;
        } else if (settings.memory() == MemoryBackend.GIST) {
            GistMemorizer memorizer = own(new GistMemorizer(
                    store, memoryEndpoint, settings.gist(), problems, progress::memoryChanged, GIST_RETRY_PAUSE));
            memorizer.start(health.part("worker.memorizer"));
            passagesStored = memorizer::wake;
        }
        MemoryWorker worker = own(new MemoryWorker(
                config,
                topics,
                store,
                recall,
                producer,
                progress,
                passagesStored,
                new DeadLetters(deadLetterProducer, topics.deadLetters(), metrics),
                health.part("worker.loop")));
        worker.start();
        log.info(
                "memory worker on {}: memory backend {}{}; generator {}; retrieval {} (exact vectors up to {} "
                        + "passages per corpus, then HNSW)",
                config.stateDir(),
                recall.memoryBackend(),
                switch (recall.memoryBackend()) {
                    case MemoryWatermarks.BEACON ->
                        " (" + settings.modelDir() + ", model "
                                + memories.model().fingerprint() + " on "
                                + memories.model().model().describe() + ")";
                    case MemoryWatermarks.GIST ->
                        " (" + settings.memoryModel() + " at " + settings.openAiUrl() + ", groups of "
                                + settings.gist().groupTokens() + " tokens)";
                    default -> " (no memory model configured: the question is the only clue)";
                },
                generator.name()
                        + (generator instanceof ExtractiveGenerator ? " (answers are evidence sentences, no LLM)" : ""),
                config.retrieval().mode().wire(),
                config.retrieval().annThreshold());
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    public CorpusStore store() {
        return store;
    }

    /** The retrieval index this worker keeps over its store. */
    public RetrievalIndex retrieval() {
        return retrieval;
    }

    public RecallService recall() {
        return recall;
    }

    @Override
    public void close() {
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                log.warn("closing the memory worker: {}", e.getMessage(), e);
            }
        }
    }
}
