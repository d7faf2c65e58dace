package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.worker.ModelSettings;
import dev.memorag.worker.WorkerConfig;
import dev.memorag.worker.WorkerRuntime;
import dev.memorag.worker.retrieval.RetrievalSettings;
import dev.memorag.worker.store.CorpusStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static group membership of memory workers against a real broker, in one JVM (the multi-process version is
 * {@link ScaleOutTest}): range assignment over instance ids splits the partitions; a worker that closes stays in the
 * group, and restarted under its instance id within the session timeout it gets the same partitions back with its
 * RocksDB state, while the other worker never takes them over.
 */
class WorkerMembershipTest {
    private static final TopicCatalog TOPICS = new TopicCatalog("memorag.", 4);
    private static final Duration SESSION = Duration.ofSeconds(30);
    private static final Map<String, Set<Integer>> SPLIT = Map.of("worker-a", Set.of(0, 1), "worker-b", Set.of(2, 3));

    @TempDir
    Path dir;

    /** A worker with its store, as the worker part of the stack runs it. */
    private record Worker(WorkerRuntime runtime) implements AutoCloseable {
        static Worker start(String bootstrap, Path dir, String instanceId) {
            return new Worker(WorkerRuntime.start(
                    new WorkerConfig(
                            bootstrap,
                            dir.resolve(instanceId),
                            Settings.defaults().get(SettingsCatalogue.RECALL_THREADS),
                            instanceId,
                            SESSION,
                            ModelSettings.defaults(),
                            RetrievalSettings.defaults()),
                    TOPICS,
                    Embedder.shared(),
                    new dev.memorag.health.Health(),
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        }

        CorpusStore store() {
            return runtime.store();
        }

        long chunks(int partition) {
            return store().stats(corpus(partition)).chunks();
        }

        @Override
        public void close() {
            runtime.close();
        }
    }

    @Test
    void aStaticWorkerRestartedWithinTheSessionTimeoutGetsItsPartitionsAndStateBack() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            String bootstrap = broker.bootstrapServers();
            TopicCreator.ensure(bootstrap, TOPICS.all());
            Worker a = Worker.start(bootstrap, dir, "worker-a");
            Worker b = Worker.start(bootstrap, dir, "worker-b");
            try {
                await("range splits the partitions by instance id", () -> SPLIT.equals(assignment(admin)));
                sendOneChunkPerPartition(producer, 0);
                Worker first = a;
                await(
                        "each worker applies its corpora",
                        () -> first.chunks(0) == 1 && first.chunks(1) == 1 && b.chunks(2) == 1 && b.chunks(3) == 1);
                String member = memberId(admin, "worker-a");

                a.close();
                // a static member does not leave on close: the group keeps its partitions for its return
                assertEquals(SPLIT, assignment(admin));
                a = Worker.start(bootstrap, dir, "worker-a");
                await(
                        "the restarted worker joins as the same static member",
                        () -> !member.equals(memberId(admin, "worker-a")));
                assertEquals(SPLIT, assignment(admin));
                assertEquals(1, a.store().nextOffset(chunks(0)).getAsLong(), "its own RocksDB offsets");

                sendOneChunkPerPartition(producer, 1);
                Worker back = a;
                await(
                        "the restarted worker resumes its partitions",
                        () -> back.chunks(0) == 2 && back.chunks(1) == 2 && b.chunks(2) == 2 && b.chunks(3) == 2);
                assertNotEquals(member, memberId(admin, "worker-a"));
                assertTrue(
                        b.store().nextOffset(chunks(0)).isEmpty()
                                && b.store().nextOffset(chunks(1)).isEmpty(),
                        "worker-b never took worker-a's partitions over");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    /** One chunk for the corpus of each partition, sent to that partition. */
    private static void sendOneChunkPerPartition(KafkaProducer<String, byte[]> producer, int index) throws Exception {
        for (int p = 0; p < TOPICS.partitions(); p++) {
            Chunk chunk = Chunk.upsert(
                    corpus(p),
                    "doc-" + index,
                    1,
                    0,
                    1,
                    "Passage " + index + " of partition " + p,
                    4,
                    new float[Embedder.DIMENSIONS]);
            producer.send(new ProducerRecord<>(TOPICS.chunks(), p, corpus(p), Json.write(chunk)))
                    .get();
        }
    }

    /** Chunk partitions by the instance id of the member that owns them. */
    private static Map<String, Set<Integer>> assignment(Admin admin) throws Exception {
        Map<String, Set<Integer>> owned = new TreeMap<>();
        for (MemberDescription m : members(admin)) {
            Set<Integer> partitions = new TreeSet<>();
            m.assignment().topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(TOPICS.chunks()))
                    .forEach(tp -> partitions.add(tp.partition()));
            owned.put(m.groupInstanceId().orElse(m.consumerId()), partitions);
        }
        return owned;
    }

    private static String memberId(Admin admin, String instanceId) throws Exception {
        return members(admin).stream()
                .filter(m -> m.groupInstanceId().orElse("").equals(instanceId))
                .map(MemberDescription::consumerId)
                .findFirst()
                .orElse("");
    }

    private static List<MemberDescription> members(Admin admin) throws Exception {
        String group = TOPICS.prefix() + "worker";
        return List.copyOf(admin.describeConsumerGroups(List.of(group))
                .all()
                .get()
                .get(group)
                .members());
    }

    private static TopicPartition chunks(int partition) {
        return new TopicPartition(TOPICS.chunks(), partition);
    }

    private static String corpus(int partition) {
        return "corpus-" + partition;
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!check.holds()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            Thread.sleep(100);
        }
    }
}
