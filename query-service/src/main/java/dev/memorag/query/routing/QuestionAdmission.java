package dev.memorag.query.routing;

import dev.memorag.query.KafkaQuestions;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What {@link QuestionIntake} does with one question record: route it, or refuse it. The checks, in order: the
 * reply-to must be a topic answers may go to ({@link ReplyTopics}, the only step that may ask the broker; if refused,
 * the error answer goes to the default answers topic); the question must be valid; its {@code authorization} header
 * must carry the corpus token (unless Kafka questions are trusted); its id must not have been seen for the corpus
 * within the window. A refused reply-to or an invalid question is dead-lettered; every refusal is answered where
 * the record has a question id. Used on the intake's context only (it remembers the ids it let through).
 */
final class QuestionAdmission {
    /** Checks a Kafka question's {@code authorization} header value (may be null) for a corpus: empty if allowed. */
    @FunctionalInterface
    interface TokenCheck {
        Optional<ErrorInfo> check(String authorization, String corpus);
    }

    /**
     * Completes once this instance's registry has seen what the header's token needs for a corpus: at once for a
     * known token, else when the registration arrives or the wait is over; never blocks.
     */
    @FunctionalInterface
    interface UnseenWait {
        Future<Void> whenSeen(String authorization, String corpus);
    }

    sealed interface Decision permits Accepted, Refused {}

    /** Route {@code question} to its worker; its answer goes to {@code replyTo}. */
    record Accepted(Question question, String replyTo, String correlationId) implements Decision {}

    /**
     * Refused with {@code code}: answered on {@code replyTo} as a failed answer of {@code corpus} when
     * {@code questionId} is not null; sent to the dead-letter topic too when {@code deadLetter}; {@code byToken} when
     * the authorization header was what refused it.
     */
    record Refused(
            ErrorCode code,
            String message,
            boolean deadLetter,
            boolean byToken,
            String questionId,
            String corpus,
            String replyTo,
            String correlationId)
            implements Decision {
        ErrorInfo error() {
            return ErrorInfo.of(code, message);
        }
    }

    private final RecordValidator validator = new RecordValidator();
    private final ReplyTopics replyTopics;
    private final String defaultAnswers;
    private final TokenCheck tokens;
    private final UnseenWait unseen;
    private final KafkaQuestions policy;
    private final SeenQuestions seen;

    /** {@code defaultAnswers}: where answers go without a reply-to, or when the reply-to is refused. */
    QuestionAdmission(
            ReplyTopics replyTopics,
            String defaultAnswers,
            TokenCheck tokens,
            UnseenWait unseen,
            KafkaQuestions policy,
            SeenQuestions seen) {
        this.replyTopics = replyTopics;
        this.defaultAnswers = defaultAnswers;
        this.tokens = tokens;
        this.unseen = unseen;
        this.policy = policy;
        this.seen = seen;
    }

    /**
     * Resolves the record's reply-to, then decides; never fails. A question refused for its token is decided again
     * once the registry has seen that token: a corpus created through the gateway a moment ago reaches this instance a
     * little after its creator was answered. Only unknown tokens wait, on timers, and the intake keeps taking records.
     */
    Future<Decision> admit(ConsumerRecord<byte[], byte[]> record) {
        return replyTopics
                .resolve(ReplyDelivery.header(record, HeaderNames.REPLY_TO))
                .transform(target -> {
                    if (target.failed()) {
                        return Future.succeededFuture(
                                invalid(record, (InvalidRecordException) target.cause(), defaultAnswers));
                    }
                    Decision first = decide(record, target.result());
                    if (!(first instanceof Refused refused) || !refused.byToken()) {
                        return Future.succeededFuture(first);
                    }
                    return unseen.whenSeen(ReplyDelivery.header(record, HeaderNames.AUTHORIZATION), refused.corpus())
                            .transform(waited -> Future.succeededFuture(decide(record, target.result())));
                });
    }

    /** The decision for a record whose reply-to resolved to {@code replyTo}. */
    Decision decide(ConsumerRecord<byte[], byte[]> record, String replyTo) {
        String correlationId = ReplyDelivery.header(record, HeaderNames.CORRELATION_ID);
        Question question;
        try {
            question = validator.parse(RecordType.QUESTION, record.value());
        } catch (InvalidRecordException e) {
            return invalid(record, e, replyTo);
        }
        Optional<ErrorInfo> denied = policy.trusted()
                ? Optional.empty()
                : tokens.check(ReplyDelivery.header(record, HeaderNames.AUTHORIZATION), question.corpus());
        if (denied.isPresent()) {
            return new Refused(
                    ErrorCode.valueOf(denied.get().code()),
                    denied.get().message(),
                    false,
                    true,
                    question.id(),
                    question.corpus(),
                    replyTo,
                    correlationId);
        }
        if (!seen.firstTime(question.corpus(), question.id())) {
            return new Refused(
                    ErrorCode.DUPLICATE,
                    "question '" + question.id() + "' was already taken for corpus '"
                            + question.corpus() + "' within " + policy.dedupWindow()
                            + ": its answer goes (or went) to the "
                            + "reply topic of the first",
                    false,
                    false,
                    question.id(),
                    question.corpus(),
                    replyTo,
                    correlationId);
        }
        return new Accepted(question, replyTo, correlationId);
    }

    /** Dead-lettered, and answered where its bytes still hold a question id (as the corpus its key names). */
    private static Refused invalid(ConsumerRecord<byte[], byte[]> record, InvalidRecordException e, String replyTo) {
        String corpus = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        return new Refused(
                e.code(),
                e.getMessage(),
                true,
                false,
                questionIdOf(record.value()),
                corpus,
                replyTo,
                ReplyDelivery.header(record, HeaderNames.CORRELATION_ID));
    }

    /** The question id of an invalid question, if its bytes are JSON with a textual id. */
    private static String questionIdOf(byte[] value) {
        try {
            var id = Json.MAPPER.readTree(value).get("id");
            return id != null
                            && id.isTextual()
                            && !id.asText().isBlank()
                            && id.asText().length() <= 256
                    ? id.asText()
                    : null;
        } catch (Exception notJson) {
            return null;
        }
    }
}
