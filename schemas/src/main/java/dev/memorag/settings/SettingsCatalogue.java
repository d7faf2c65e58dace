package dev.memorag.settings;

import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Setting.Scope;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every setting of MemoRAG, each declared once, in the order of README's settings table (which is generated from
 * it: {@code bin/memorag settings --markdown}). The CLI's options, the Flink job's {@code main}, the client commands
 * and {@code deploy/}'s manifests all read or are checked against these.
 */
public final class SettingsCatalogue {
    private static final List<Setting<?>> ALL = new ArrayList<>();

    public static final Setting<Path> DATA_DIR = add(Setting.path(
            "MEMORAG_DATA_DIR",
            Path.of("data"),
            "broker log, Streams state, chunker checkpoints, worker RocksDB; the client commands find "
                    + "`admin.token` there"));
    public static final Setting<Integer> KAFKA_PORT =
            add(Setting.integer("MEMORAG_KAFKA_PORT", 9092, 0, "embedded broker port on 127.0.0.1 (0: any free port)"));
    public static final Setting<Integer> HTTP_PORT =
            add(Setting.integer("MEMORAG_HTTP_PORT", 8080, 0, "query service HTTP port (0: any free port)"));
    public static final Setting<Integer> INGEST_PORT =
            add(Setting.integer("MEMORAG_INGEST_PORT", 8081, 0, "ingest gateway HTTP port (0: any free port)"));
    public static final Setting<URI> INGEST_URL = add(Setting.url(
                    "MEMORAG_INGEST_URL",
                    null,
                    "gateway the query service forwards the console's corpus and document routes to, and the one "
                            + "`bin/memorag ingest` uploads to (its `--url`)")
            .derivedFrom(
                    s -> URI.create("http://127.0.0.1:" + s.get(INGEST_PORT)),
                    "`http://127.0.0.1:<MEMORAG_INGEST_PORT>`; in a process running the gateway, that gateway"));
    public static final Setting<Integer> HEALTH_PORT = add(Setting.integer(
            "MEMORAG_HEALTH_PORT",
            8082,
            0,
            "where a process with no HTTP part (a worker, a chunker) serves `/health`, `/ready`, `/metrics`"));
    public static final Setting<String> BIND_HOST = add(Setting.text(
            "MEMORAG_BIND_HOST", "127.0.0.1", "interface the HTTP servers listen on (`0.0.0.0` in a container)"));
    public static final Setting<Set<Part>> PARTS = add(Setting.choices(
                    "MEMORAG_PARTS",
                    Part.class,
                    Collections.unmodifiableSet(EnumSet.allOf(Part.class)),
                    "parts `bin/memorag up` runs in this process (the per-service commands run their own)")
            .unsetMeans("all"));
    public static final Setting<String> BOOTSTRAP_SERVERS = add(Setting.text(
            "MEMORAG_BOOTSTRAP_SERVERS",
            null,
            "the Kafka to use when the process runs no broker, and the Flink job's"));
    public static final Setting<String> INSTANCE_ID = add(Setting.text(
                    "MEMORAG_INSTANCE_ID",
                    null,
                    "a worker's static group membership; stable across its restarts (the pod name)")
            .unsetMeans("unset (dynamic)"));
    public static final Setting<Duration> SESSION_TIMEOUT = add(Setting.duration(
            "MEMORAG_SESSION_TIMEOUT",
            Duration.ofSeconds(10),
            "how long a silent worker keeps its partitions (`deploy/SCALING.md`)"));
    public static final Setting<Integer> RECALL_THREADS = add(Setting.integer(
            "MEMORAG_RECALL_THREADS",
            2,
            1,
            "questions one worker answers at once; waiting questions are taken corpus by corpus in turn, so one "
                    + "corpus's burst does not delay another's, and a corpus with 256 waiting pauses its recall "
                    + "partition until half are answered"));
    public static final Setting<String> ADMIN_TOKEN =
            add(Setting.text("MEMORAG_ADMIN_TOKEN", null, "bearer token that creates corpora")
                    .unsetMeans("generated into `<data dir>/admin.token`"));
    public static final Setting<String> TOPIC_PREFIX =
            add(Setting.text("MEMORAG_TOPIC_PREFIX", TopicCatalog.DEFAULT_PREFIX, "prefix of every topic"));
    public static final Setting<Integer> PARTITIONS = add(Setting.integer(
            "MEMORAG_PARTITIONS", TopicCatalog.DEFAULT_PARTITIONS, 1, "partitions of corpus-keyed topics"));
    public static final Setting<Integer> CHUNK_TOKENS =
            add(Setting.integer("MEMORAG_CHUNK_TOKENS", 512, 1, "passage budget in retriever tokens"));
    public static final Setting<Integer> CHUNK_PARALLELISM = add(Setting.integer(
            "MEMORAG_CHUNK_PARALLELISM",
            1,
            1,
            "subtasks of the chunk-and-embed job on a Flink cluster (a divisor of the partitions; the in-process "
                    + "chunker runs 1)"));
    public static final Setting<Integer> MAX_TEXT_CHARS = add(Setting.integer(
            "MEMORAG_MAX_TEXT_CHARS",
            900_000,
            1,
            "largest document admission accepts (Kafka records stay under 1 MB)"));
    public static final Setting<Duration> CHECKPOINT_INTERVAL = add(Setting.duration(
            "MEMORAG_CHECKPOINT_INTERVAL",
            Duration.ofSeconds(1),
            "how often the chunk job commits, in process and on a Flink cluster: its chunks "
                    + "become visible downstream at each commit"));
    public static final Setting<Duration> ANSWER_TIMEOUT = add(Setting.duration(
            "MEMORAG_ANSWER_TIMEOUT", Duration.ofSeconds(60), "how long the edge waits for an answer"));
    public static final Setting<Integer> MAX_IN_FLIGHT_PER_CORPUS =
            add(Setting.integer("MEMORAG_MAX_IN_FLIGHT_PER_CORPUS", 64, 1, "questions of one corpus answered at once"));
    public static final Setting<Double> QUESTIONS_PER_SECOND = add(Setting.rate(
            "MEMORAG_QUESTIONS_PER_SECOND", 50, "sustained questions per second per corpus (bursts of twice that)"));
    public static final Setting<Integer> SOCKET_BUFFER_BYTES = add(Setting.integer(
            "MEMORAG_SOCKET_BUFFER_BYTES", 1 << 20, 1, "unread bytes after which a WebSocket is closed as too slow"));
    public static final Setting<Integer> SOCKET_MAX_MESSAGE_BYTES = add(Setting.integer(
            "MEMORAG_SOCKET_MAX_MESSAGE_BYTES",
            64 * 1024,
            1,
            "largest text message a WebSocket client may send "
                    + "(all its frames): a larger one closes it with code 1009"));
    public static final Setting<Duration> SOCKET_MAX_AGE = add(Setting.duration(
            "MEMORAG_SOCKET_MAX_AGE",
            Duration.ofHours(1),
            "a WebSocket's lifetime: then it is closed with code 4401 and the client " + "reconnects with its token"));
    public static final Setting<Pattern> REPLY_TOPICS = add(Setting.regex(
            "MEMORAG_REPLY_TOPICS",
            "[A-Za-z0-9][A-Za-z0-9._-]*answers[A-Za-z0-9._-]*",
            "regex a Kafka question's reply-to must match " + "(besides existing and not being internal)"));
    public static final Setting<Boolean> KAFKA_QUESTIONS_TRUSTED = add(Setting.bool(
            "MEMORAG_KAFKA_QUESTIONS_TRUSTED",
            false,
            "`true`: Kafka questions need no token (Kafka ACLs decide " + "who may produce them)"));
    public static final Setting<Duration> QUESTION_DEDUP_WINDOW = add(Setting.duration(
            "MEMORAG_QUESTION_DEDUP_WINDOW",
            Duration.ofMinutes(10),
            "a question id seen again for its corpus " + "within it is answered `DUPLICATE`"));
    public static final Setting<Path> MODEL_DIR = add(Setting.path(
                    "MEMORAG_MODEL_DIR",
                    null,
                    "memory checkpoint directory; unset: memory backend `none` (unless `MEMORAG_MEMORY` says otherwise)")
            .unsetMeans("none"));
    public static final Setting<DeviceChoice> DEVICE = add(Setting.choice(
            "MEMORAG_DEVICE",
            DeviceChoice.class,
            DeviceChoice.CPU,
            "`cpu`, `cuda` or `auto` (CUDA when PyTorch sees a GPU)"));
    public static final Setting<Integer> BEACON_RATIO = add(Setting.integer(
            "MEMORAG_BEACON_RATIO", 4, 1, "compression ratio the checkpoint runs with (MemoRAG uses 4)"));
    public static final Setting<Long> MEMORY_CACHE_BYTES = add(Setting.bytes(
            "MEMORAG_MEMORY_CACHE_BYTES", 2L << 30, "device memory for hot corpus memories (LRU by bytes)"));
    public static final Setting<Generator> GENERATOR = add(Setting.choice(
            "MEMORAG_GENERATOR",
            Generator.class,
            Generator.EXTRACTIVE,
            "`extractive` (no LLM), `djl` (the memory checkpoint), `openai`"));
    public static final Setting<URI> OPENAI_URL = add(Setting.url(
                    "MEMORAG_OPENAI_URL",
                    null,
                    "API root of an OpenAI-compatible server, e.g. `http://localhost:8000/v1` (vLLM, Ollama)")
            .unsetMeans("none"));
    public static final Setting<String> OPENAI_MODEL =
            add(Setting.text("MEMORAG_OPENAI_MODEL", null, "model name to ask that server for")
                    .unsetMeans("none"));
    public static final Setting<String> OPENAI_API_KEY =
            add(Setting.text("MEMORAG_OPENAI_API_KEY", null, "its bearer key, if it needs one")
                    .unsetMeans("none"));
    public static final Setting<Retrieval> RETRIEVAL = add(Setting.choice(
            "MEMORAG_RETRIEVAL",
            Retrieval.class,
            Retrieval.HYBRID,
            "how passages are found for questions that name no `retrieval`: `dense` (bge-small "
                    + "vectors), `bm25` (Lucene BM25, English analysis), `hybrid` (both, fused by reciprocal rank)"));
    public static final Setting<Integer> ANN_THRESHOLD = add(Setting.integer(
            "MEMORAG_ANN_THRESHOLD",
            20_000,
            1,
            "passages from which a corpus's vectors are searched in an HNSW graph instead of exactly"));
    public static final Setting<Long> INDEX_CACHE_BYTES = add(Setting.bytes(
            "MEMORAG_INDEX_CACHE_BYTES",
            1L << 30,
            "heap for the worker's per-corpus retrieval indexes (built from RocksDB in the background at start "
                    + "until this is used; LRU by bytes; a dropped one is rebuilt on its next question)"));
    public static final Setting<String> ADVERTISED_HOST = add(Setting.text(
                    "MEMORAG_ADVERTISED_HOST",
                    null,
                    "name other ingest instances reach this one's gateway by (port: `MEMORAG_INGEST_PORT`); set it to run "
                            + "several: each answers the document status of its partitions and forwards the rest to their "
                            + "owner")
            .unsetMeans("unset (one ingest instance)"));
    public static final Setting<Integer> HTTP_INSTANCES = add(Setting.integer(
                    "MEMORAG_HTTP_INSTANCES",
                    Runtime.getRuntime().availableProcessors(),
                    1,
                    "query service HTTP server verticles sharing its port, " + "each on its own event loop")
            .unsetMeans("the number of cores"));
    public static final Setting<URI> QUERY_URL = add(Setting.url(
                    "MEMORAG_QUERY_URL", null, "query service the CLI's `ask` command talks to (its `--url`)")
            .derivedFrom(
                    s -> URI.create("http://127.0.0.1:" + s.get(HTTP_PORT)), "`http://127.0.0.1:<MEMORAG_HTTP_PORT>`")
            .scope(Scope.CLIENT));
    public static final Setting<String> TOKEN =
            add(Setting.text("MEMORAG_TOKEN", null, "bearer token the CLI's `ask` and `ingest` commands send")
                    .unsetMeans("the admin token in `<data dir>/admin.token`")
                    .scope(Scope.CLIENT));
    public static final Setting<String> JAVA_OPTS =
            add(Setting.text("MEMORAG_JAVA_OPTS", "-Xmx4g", "JVM options of `bin/memorag`")
                    .scope(Scope.LAUNCHER));
    public static final Setting<Dtype> DTYPE = add(Setting.choice(
            "MEMORAG_DTYPE",
            Dtype.class,
            Dtype.AUTO,
            "what the memory model holds: `fp32`, `bf16` (half the RAM, BF16 memory rows) or `auto` (BF16 on "
                    + "CUDA; on CPU BF16 only when the FP32 weights would take more than half the machine's "
                    + "memory); the start log says what runs"));
    public static final Setting<MemoryBackend> MEMORY = add(Setting.choice(
                    "MEMORAG_MEMORY",
                    MemoryBackend.class,
                    null,
                    "memory backend: `none` (the question is the only clue), `beacon` (the checkpoint in "
                            + "`MEMORAG_MODEL_DIR`), `gist` (summaries written by the OpenAI-compatible server at "
                            + "`MEMORAG_OPENAI_URL`)")
            .derivedFrom(
                    s -> s.get(MODEL_DIR) != null ? MemoryBackend.BEACON : MemoryBackend.NONE,
                    "`beacon` with a model dir, else `none`"));
    public static final Setting<String> MEMORY_MODEL = add(Setting.text(
                    "MEMORAG_MEMORY_MODEL",
                    null,
                    "model name that server writes gists and clues with (memory `gist`); `MEMORAG_OPENAI_MODEL` stays the "
                            + "answer model")
            .derivedFrom(s -> s.get(OPENAI_MODEL), "`MEMORAG_OPENAI_MODEL`"));
    public static final Setting<Integer> GIST_TOKENS = add(Setting.integer(
            "MEMORAG_GIST_TOKENS",
            4096,
            1,
            "retriever tokens per passage group summarized into one gist (MemoRAG-Lite's 4K)"));
    public static final Setting<Integer> GIST_CONTEXT_TOKENS = add(Setting.integer(
            "MEMORAG_GIST_CONTEXT_TOKENS",
            16384,
            2048,
            "the gist memory's budget in the endpoint's context: past it the oldest gists are folded "
                    + "into higher-level gists (at least 2048: four gists)"));

    private SettingsCatalogue() {}

    /** Every setting, in the README table's order. */
    public static List<Setting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The settings read by {@code scope}. */
    public static List<Setting<?>> of(Scope scope) {
        return ALL.stream().filter(s -> s.scope() == scope).toList();
    }

    /** The setting read from {@code env}, if any. */
    public static Optional<Setting<?>> byVariable(String env) {
        return ALL.stream().filter(s -> s.env().equals(env)).findFirst();
    }

    private static <T> Setting<T> add(Setting<T> setting) {
        if (byVariable(setting.env()).isPresent()) {
            throw new IllegalStateException(setting.env() + " is declared twice");
        }
        ALL.add(setting);
        return setting;
    }
}
