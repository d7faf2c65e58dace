package dev.memorag.query.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.JsonTrees;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Whatever a Kafka client puts on {@code questions} (any bytes, any JSON, broken questions, any key, any reply-to,
 * authorization and correlation headers, headers without values), {@link QuestionAdmission} decides without
 * throwing: Accepted, only with a valid question, the corpus token (or the admin token) in its authorization header
 * and an allowed reply topic; or Refused with an error code, its answer still only ever going to an allowed topic.
 * One admission per property, so question ids repeat across tries and duplicates are refused.
 */
class QuestionAdmissionProperties {
    private static final TopicCatalog TOPICS = TopicCatalog.defaults();
    private static final KafkaQuestions POLICY = KafkaQuestions.defaults();
    /** The registry view: corpus → its token; plus the admin token, good for any registered corpus. */
    private static final Map<String, String> CORPUS_TOKENS = Map.of("dickens", "dickens-token", "austen", "a-token");

    private static final String ADMIN_TOKEN = "admin-token";
    /** The topics the cluster has. */
    private static final Set<String> CLUSTER_TOPICS = Set.of(
            TOPICS.answers(),
            TOPICS.questions(),
            TOPICS.deadLetters(),
            "team.answers",
            "team-answers-2",
            "memorag.team.answers",
            "orders",
            "__consumer_offsets",
            "__answers");

    private static final List<String> QUESTION_FIELDS =
            List.of("schemaVersion", "id", "corpus", "question", "task", "topK", "maxTokens", "clues", "stream");

    private final RecordValidator validator = new RecordValidator();
    private final QuestionAdmission admission = new QuestionAdmission(
            new ReplyTopics(TOPICS, POLICY, () -> Future.succeededFuture(CLUSTER_TOPICS)),
            TOPICS.answers(),
            QuestionAdmissionProperties::checkToken,
            (authorization, corpus) -> Future.succeededFuture(), // a registry that has seen every token it will
            POLICY,
            new SeenQuestions(POLICY.dedupWindow(), 1_000, System::nanoTime));

    @Property(tries = 300)
    void randomBytesAreAcceptedOrRefused(
            @ForAll("recordKeys") byte[] key,
            @ForAll("randomBytes") byte[] value,
            @ForAll("questionHeaders") List<Header> headers) {
        decideAndCheck(key, value, headers);
    }

    @Property(tries = 300)
    void arbitraryJsonIsAcceptedOrRefused(
            @ForAll("recordKeys") byte[] key,
            @ForAll("jsonTrees") JsonNode value,
            @ForAll("questionHeaders") List<Header> headers) {
        decideAndCheck(key, Json.write(value), headers);
    }

    @Property(tries = 500)
    void mutatedQuestionsAreAcceptedOrRefused(
            @ForAll("recordKeys") byte[] key,
            @ForAll("mutatedQuestionJson") JsonNode value,
            @ForAll("questionHeaders") List<Header> headers) {
        decideAndCheck(key, Json.write(value), headers);
        Statistics.coverage(coverage -> {
            coverage.check("accepted").count(n -> n > 0);
            for (String code :
                    List.of("REPLY_TO_REFUSED", "SCHEMA_VIOLATION", "UNAUTHORIZED", "FORBIDDEN", "DUPLICATE")) {
                coverage.check(code).count(n -> n > 0);
            }
        });
    }

    private void decideAndCheck(byte[] key, byte[] value, List<Header> headers) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                TOPICS.questions(),
                0,
                0L,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                key,
                value,
                new RecordHeaders(headers.toArray(Header[]::new)),
                Optional.empty());

        Future<QuestionAdmission.Decision> decided = admission.admit(record);

        assertTrue(
                decided.succeeded(), "decided at once (the listing is at hand) and never failed: " + decided.cause());
        String correlationId = lastValue(headers, HeaderNames.CORRELATION_ID);
        if (decided.result() instanceof QuestionAdmission.Accepted accepted) {
            Statistics.collect("accepted");
            Question question = accepted.question();
            assertEquals(question, validator.parse(RecordType.QUESTION, value), "a valid question");
            assertEquals(
                    Optional.empty(),
                    checkToken(lastValue(headers, HeaderNames.AUTHORIZATION), question.corpus()),
                    "the corpus token or the admin token, for a registered corpus");
            assertAllowed(accepted.replyTo());
            String replyTo = lastValue(headers, HeaderNames.REPLY_TO);
            assertEquals(replyTo == null || replyTo.isBlank() ? TOPICS.answers() : replyTo, accepted.replyTo());
            assertEquals(correlationId, accepted.correlationId());
        } else {
            QuestionAdmission.Refused refused = (QuestionAdmission.Refused) decided.result();
            Statistics.collect(refused.code().name());
            assertNotNull(refused.code());
            assertFalse(refused.message() == null || refused.message().isBlank(), "a refusal says why");
            assertAllowed(refused.replyTo());
            assertEquals(
                    Set.of(ErrorCode.MALFORMED_JSON, ErrorCode.SCHEMA_VIOLATION, ErrorCode.REPLY_TO_REFUSED)
                            .contains(refused.code()),
                    refused.deadLetter(),
                    "dead-lettered exactly when unusable");
            assertTrue(refused.questionId() == null
                    || !refused.questionId().isBlank() && refused.questionId().length() <= 256);
            assertEquals(correlationId, refused.correlationId());
        }
    }

    /** Answers go to the default topic, or to an existing topic within the pattern outside the service's own. */
    private static void assertAllowed(String topic) {
        assertTrue(
                topic.equals(TOPICS.answers())
                        || CLUSTER_TOPICS.contains(topic)
                                && POLICY.replyTopics().matcher(topic).matches()
                                && !topic.startsWith(TOPICS.prefix())
                                && !topic.startsWith("__"),
                "answers may not go to " + topic);
    }

    /** Access's rules over the registry view: the corpus's own bearer token, or the admin token. */
    private static Optional<ErrorInfo> checkToken(String authorization, String corpus) {
        if (authorization == null
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return Optional.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED, "missing header"));
        }
        String token = authorization.substring(7).strip();
        if (token.equals(ADMIN_TOKEN)) {
            return CORPUS_TOKENS.containsKey(corpus)
                    ? Optional.empty()
                    : Optional.of(ErrorInfo.of(ErrorCode.UNKNOWN_CORPUS, "not registered"));
        }
        if (token.equals(CORPUS_TOKENS.get(corpus))) {
            return Optional.empty();
        }
        return CORPUS_TOKENS.containsValue(token)
                ? Optional.of(ErrorInfo.of(ErrorCode.FORBIDDEN, "another corpus"))
                : Optional.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED, "not valid"));
    }

    private static String lastValue(List<Header> headers, String name) {
        String value = null;
        for (Header h : headers) {
            if (h.key().equals(name)) {
                value = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    @Provide
    Arbitrary<byte[]> recordKeys() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just("dickens".getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, Arbitraries.just((byte[]) null)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(20)));
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return JsonTrees.randomValues();
    }

    @Provide
    Arbitrary<JsonNode> jsonTrees() {
        return JsonTrees.any();
    }

    /**
     * Headers in any order: maybe a reply-to (allowed, refused or garbage), mostly an authorization (mostly a good
     * token), maybe a correlation id, and up to two headers of any name; any of them possibly without a value.
     */
    @Provide
    Arbitrary<List<Header>> questionHeaders() {
        Arbitrary<Header> replyTo = Arbitraries.of(
                        "",
                        " ",
                        TOPICS.answers(),
                        "team.answers",
                        "team-answers-2",
                        "memorag.team.answers",
                        TOPICS.questions(),
                        TOPICS.deadLetters(),
                        "orders",
                        "__consumer_offsets",
                        "__answers",
                        "missing.answers",
                        "a/b.answers",
                        "x".repeat(300) + "answers",
                        "..",
                        "answers\u0000")
                .injectNull(0.1)
                .map(v -> header(HeaderNames.REPLY_TO, v));
        Arbitrary<Header> authorization = Arbitraries.frequencyOf(
                        Tuple.of(6, Arbitraries.of("Bearer dickens-token", "bearer a-token", "Bearer admin-token")),
                        Tuple.of(
                                3,
                                Arbitraries.of(
                                        "Bearer  dickens-token ",
                                        "Bearer ",
                                        "Basic ZGlja2Vucw==",
                                        "dickens-token",
                                        "Bearer wrong",
                                        "")),
                        Tuple.of(1, Arbitraries.just((String) null)))
                .map(v -> header(HeaderNames.AUTHORIZATION, v));
        Arbitrary<Header> correlation =
                Arbitraries.strings().ofMaxLength(12).injectNull(0.2).map(v -> header(HeaderNames.CORRELATION_ID, v));
        Arbitrary<Header> other = Combinators.combine(
                        Arbitraries.strings().ofMaxLength(8),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(8).injectNull(0.5))
                .as(RecordHeader::new);
        return Combinators.combine(
                        replyTo.optional(0.5),
                        authorization.optional(0.9),
                        correlation.optional(0.5),
                        other.list().ofMaxSize(2))
                .as((r, a, c, others) -> {
                    List<Header> headers = new ArrayList<>(others);
                    r.ifPresent(headers::add);
                    a.ifPresent(headers::add);
                    c.ifPresent(headers::add);
                    return headers;
                })
                .flatMap(Arbitraries::shuffle);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid question with zero to three fields removed, retyped, emptied, enlarged or nulled. */
    @Provide
    Arbitrary<JsonNode> mutatedQuestionJson() {
        return Combinators.combine(
                        validQuestionJson(),
                        JsonTrees.mutations(QUESTION_FIELDS).list().ofMaxSize(3))
                .as((question, mutations) -> {
                    ObjectNode copy = question.deepCopy();
                    mutations.forEach(m -> m.applyTo(copy));
                    return copy;
                });
    }

    /** Valid questions over a few ids (so they repeat) and corpora, one of them not registered. */
    private static Arbitrary<ObjectNode> validQuestionJson() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 8).map(i -> "q-" + i),
                        Arbitraries.of("dickens", "austen", "tolstoy"),
                        Arbitraries.of("Who was Marley?", "ü ☃ 😀 ?"),
                        Arbitraries.of("qa", "summarize").injectNull(0.5))
                .as((id, corpus, text, task) -> {
                    ObjectNode question = JsonNodeFactory.instance
                            .objectNode()
                            .put("schemaVersion", 1)
                            .put("id", id)
                            .put("corpus", corpus)
                            .put("question", text);
                    if (task != null) {
                        question.put("task", task);
                    }
                    return question;
                });
    }
}
