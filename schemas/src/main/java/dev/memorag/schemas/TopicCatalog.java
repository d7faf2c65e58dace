package dev.memorag.schemas;

import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;
import java.util.List;
import java.util.Map;

/**
 * Every topic of the system, with a configurable name prefix (default {@code memorag.}). Topics that carry corpus
 * data are keyed by corpus id and share one partition count, so chunks and recall requests for a corpus land on the
 * same worker.
 */
public record TopicCatalog(String prefix, int partitions) {
    public static final String DEFAULT_PREFIX = "memorag.";
    public static final int DEFAULT_PARTITIONS = 4;

    public static TopicCatalog defaults() {
        return new TopicCatalog(DEFAULT_PREFIX, DEFAULT_PARTITIONS);
    }

    /** The catalog {@code MEMORAG_TOPIC_PREFIX} and {@code MEMORAG_PARTITIONS} name. */
    public static TopicCatalog of(Settings settings) {
        return new TopicCatalog(
                settings.get(SettingsCatalogue.TOPIC_PREFIX), settings.get(SettingsCatalogue.PARTITIONS));
    }

    /** Documents as producers and the HTTP gateway send them (key: corpus). */
    public String documentsIn() {
        return prefix + "documents.in";
    }

    /** Admitted documents with versions (key: corpus). */
    public String documents() {
        return prefix + "documents";
    }

    /** Embedded passages (key: corpus); kept forever so a worker can rebuild a corpus from it. */
    public String chunks() {
        return prefix + "chunks";
    }

    /** Corpus registry (key: corpus), compacted. */
    public String corpora() {
        return prefix + "corpora";
    }

    /**
     * Requests to create a corpus (key: corpus), as many partitions as the registry: the registry application accepts
     * the first per id into {@link #corpora()} and dead-letters the others, so two gateways cannot both create one.
     */
    public String corpusRequests() {
        return prefix + "corpus-requests";
    }

    /** Workers' reports that a document version reached memory (key: corpus); feeds document status. */
    public String progress() {
        return prefix + "progress";
    }

    /** Questions from Kafka clients, with a reply-to header. */
    public String questions() {
        return prefix + "questions";
    }

    /** Questions routed to the worker owning the corpus (key: corpus). */
    public String recall() {
        return prefix + "recall";
    }

    /** Clues, evidence, tokens and the final answer of each question (key: question id). */
    public String answerEvents() {
        return prefix + "answer-events";
    }

    /** Default reply-to topic for final answers. */
    public String answers() {
        return prefix + "answers";
    }

    /** Rejected records with the reason in their headers. */
    public String deadLetters() {
        return prefix + "dlq";
    }

    public List<TopicSpec> all() {
        Map<String, String> forever = Map.of("retention.ms", "-1");
        Map<String, String> week = Map.of("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
        return List.of(
                new TopicSpec(documentsIn(), partitions, week),
                new TopicSpec(documents(), partitions, forever),
                new TopicSpec(chunks(), partitions, forever),
                new TopicSpec(corpora(), 1, Map.of("cleanup.policy", "compact")),
                new TopicSpec(corpusRequests(), 1, week),
                new TopicSpec(progress(), partitions, week),
                new TopicSpec(questions(), partitions, week),
                new TopicSpec(recall(), partitions, week),
                new TopicSpec(answerEvents(), partitions, Map.of("retention.ms", Long.toString(24L * 3600 * 1000))),
                new TopicSpec(answers(), partitions, week),
                new TopicSpec(deadLetters(), 1, week));
    }

    /** A topic's name, partition count and topic-level configs. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {}
}
