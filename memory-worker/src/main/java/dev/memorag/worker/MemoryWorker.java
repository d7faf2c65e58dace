package dev.memorag.worker;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.worker.recall.RecallService;
import dev.memorag.worker.store.CorpusStore;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the corpora on the partitions assigned to it. One consumer reads the co-partitioned {@code chunks} and
 * {@code recall} topics and resumes each chunk partition from the offset stored with its data: chunk batches go to the
 * {@link ChunkApplier} (the store, not Kafka, is the source of truth for where to resume), recall requests are handed to recall threads, corpus by corpus in turn
 * ({@link FairDispatcher}), so neither a long ingest nor another corpus's burst delays a question. A corpus with
 * {@link #MAX_QUEUED_PER_CORPUS} questions waiting pauses its recall partition until half of them are answered.
 */
public final class MemoryWorker implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemoryWorker.class);
    /** Stage names on the worker's dead letters. */
    static final String CHUNKS_STAGE = "worker.chunks";

    static final String RECALL_STAGE = "worker.recall";
    /** Questions of one corpus waiting for a recall thread before its partition is paused. */
    static final int MAX_QUEUED_PER_CORPUS = 256;

    private final TopicCatalog topics;
    private final CorpusStore store;
    private final RecallService recall;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final WorkerInputs inputs = new WorkerInputs();
    private final DeadLetters deadLetters;
    private final Health.Part health;
    private final KafkaProducer<String, byte[]> producer;
    private final ChunkApplier chunks;
    private final FairDispatcher dispatcher;
    /** Recall partitions paused because the named corpus's queue was full; worker thread only. */
    private final Map<TopicPartition, String> paused = new HashMap<>();

    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Chunk partitions this worker got without their state, and the end offset it must reach; worker thread only. */
    private final Map<TopicPartition, Long> rebuilding = new HashMap<>();

    private final Thread thread;

    /** The producer is shared with the caller, who closes it. */
    MemoryWorker(
            WorkerConfig config,
            TopicCatalog topics,
            CorpusStore store,
            RecallService recall,
            KafkaProducer<String, byte[]> producer,
            ProgressReporter progress,
            Runnable passagesStored,
            DeadLetters deadLetters,
            Health.Part health) {
        this.topics = topics;
        this.deadLetters = deadLetters;
        this.health = health;
        this.store = store;
        this.recall = recall;
        this.producer = producer;
        Properties c = KafkaClients.bytesConsumer(config.bootstrapServers(), topics.prefix() + "worker", "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        // a dead worker's corpora move after this long; heartbeats run on their own thread, so a long recall or
        // batch does not count against it (max.poll.interval.ms bounds those)
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int)
                config.sessionTimeout().toMillis());
        c.put(
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                (int) config.sessionTimeout().toMillis() / 3);
        // range assigns partition p of every subscribed topic to the same member (chunks-p and recall-p must meet on
        // one worker); with static members it orders them by instance id, so ownership follows the pod ordinal
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        if (config.instanceId() != null) {
            // static membership: a restart within the session timeout gets its partitions back with no rebalance
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        }
        this.consumer = new KafkaConsumer<>(c);
        this.chunks = new ChunkApplier(
                topics.chunks(), store, inputs, deadLetters, progress, passagesStored, health, running::get);
        this.dispatcher = new FairDispatcher(config.recallThreads(), MAX_QUEUED_PER_CORPUS);
        this.thread = new Thread(this, "memorag-worker");
    }

    public void start() {
        thread.start();
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(topics.chunks(), topics.recall()), new ResumeFromStore());
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                health.up();
                resumeDrained();
                if (!records.isEmpty()) {
                    chunks.apply(records);
                    finishRebuilds();
                    dispatchQuestions(records);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            if (running.get()) {
                health.failed(e);
            }
        } catch (RuntimeException | Error e) {
            // every record was either used or dead-lettered, and transient failures were retried: what is left is a
            // broken worker (its store closed or failing), which only a restart can mend
            log.error("memory worker stopped: {}", e.getMessage(), e);
            health.failed(e);
        } finally {
            // a dynamic member leaves the group (its partitions move now); a static one stays in it until the
            // session times out, so a restarted pod takes its partitions back without a rebalance
            consumer.close();
        }
    }

    private void finishRebuilds() {
        rebuilding.entrySet().removeIf(e -> {
            boolean done = consumer.position(e.getKey()) >= e.getValue();
            if (done) {
                log.info("{} rebuilt from the chunks topic", e.getKey());
            }
            return done;
        });
    }

    private void dispatchQuestions(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            if (partition.topic().equals(topics.recall())) {
                dispatch(partition, records.records(partition), done);
            }
        }
        if (!done.isEmpty()) {
            deadLetters.awaitSent(); // before the offsets past them are committed
            consumer.commitAsync(done, null);
        }
    }

    /** Dispatches one partition's questions in order, up to the first whose corpus's queue is full. */
    private void dispatch(
            TopicPartition partition,
            List<ConsumerRecord<byte[], byte[]>> records,
            Map<TopicPartition, OffsetAndMetadata> done) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Question question;
            try {
                question = inputs.question(record);
            } catch (InvalidRecordException e) {
                deadLetters.add(record, RECALL_STAGE, e);
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                continue;
            }
            if (!route(partition, record, question)) {
                // back-pressure: read this question again once its corpus's queue has drained
                consumer.seek(partition, record.offset());
                consumer.pause(List.of(partition));
                paused.put(partition, question.corpus());
                log.info(
                        "corpus '{}' has {} questions waiting: {} paused",
                        question.corpus(),
                        MAX_QUEUED_PER_CORPUS,
                        partition);
                return;
            }
            done.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
    }

    /** Cancels, refuses while rebuilding, or queues the question; false if its corpus's queue is full. */
    private boolean route(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Question question) {
        if (record.headers().lastHeader(HeaderNames.CANCEL) != null) {
            recall.cancellations().cancel(question.id());
            return true;
        }
        AnswerRoute routing = AnswerRoute.of(record, topics.partitions());
        Long target = rebuilding.get(new TopicPartition(topics.chunks(), partition.partition()));
        if (target != null) {
            long at = consumer.position(new TopicPartition(topics.chunks(), partition.partition()));
            send(
                    AnswerEvent.error(
                            question.id(),
                            question.corpus(),
                            0,
                            ErrorInfo.of(
                                    ErrorCode.REBUILDING,
                                    "corpus '" + question.corpus()
                                            + "' moved to this worker, which is rebuilding it from the "
                                            + "chunks topic (" + at + " of " + target + " records); retry shortly")),
                    routing);
            return true;
        }
        return dispatcher.offer(question.corpus(), () -> answer(question, routing));
    }

    private void resumeDrained() {
        paused.entrySet().removeIf(e -> {
            if (!dispatcher.hasRoom(e.getValue())) {
                return false;
            }
            consumer.resume(List.of(e.getKey()));
            return true;
        });
    }

    /**
     * Answers one question; whatever ends it early, an Error from native code or a full stack included, ends in an
     * error event, so the asker is never left to time out, and the dispatcher's thread goes on to the next question.
     */
    private void answer(Question question, AnswerRoute routing) {
        try {
            recall.answer(question, event -> send(event, routing));
        } catch (Throwable e) {
            log.error("question {} on corpus {} failed", question.id(), question.corpus(), e);
            String reason = e instanceof Error || e.getMessage() == null ? e.toString() : e.getMessage();
            send(
                    AnswerEvent.error(
                            question.id(),
                            question.corpus(),
                            Integer.MAX_VALUE,
                            ErrorInfo.of(ErrorCode.INTERNAL, "the worker failed to answer: " + reason)),
                    routing);
        }
    }

    private void send(AnswerEvent event, AnswerRoute routing) {
        producer.send(new ProducerRecord<>(
                topics.answerEvents(), routing.partition(), event.questionId(), Json.write(event), routing.headers()));
    }

    /** On assignment, resume every chunk partition from the offset stored with the data it produced. */
    private final class ResumeFromStore implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // eager (range) rebalancing: this is the whole assignment, not an increment
            log.info(
                    "owns chunk partitions {}",
                    partitions.stream()
                            .filter(p -> p.topic().equals(topics.chunks()))
                            .map(TopicPartition::partition)
                            .sorted()
                            .toList());
            for (TopicPartition partition : partitions) {
                if (partition.topic().equals(topics.chunks())) {
                    store.nextOffset(partition)
                            .ifPresentOrElse(
                                    offset -> {
                                        log.info("assigned {}: resumes from stored offset {}", partition, offset);
                                        consumer.seek(partition, offset);
                                    },
                                    () -> {
                                        consumer.seekToBeginning(List.of(partition));
                                        long end = consumer.endOffsets(List.of(partition))
                                                .get(partition);
                                        log.info(
                                                "assigned {}: no stored state here, reading it from the start ({} records)",
                                                partition,
                                                end);
                                        if (end > 0) {
                                            // answer "rebuilding" until caught up, rather than from a partial corpus
                                            rebuilding.put(partition, end);
                                        }
                                    });
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(rebuilding::remove);
            partitions.forEach(paused::remove); // a partition assigned again starts unpaused
            // chunk progress lives in the store; recall offsets are committed as questions are dispatched
        }
    }

    /**
     * Stops taking work, lets the answers in flight finish (their events still go out), then flushes the producer.
     * Chunk state needs no flush: every batch was committed to the store with its offsets as it was applied.
     */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(10_000);
            if (!dispatcher.shutdown(30, TimeUnit.SECONDS)) {
                log.warn("answers still running after 30 s; their questions get no final event from this worker");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("memory worker closed");
    }
}
