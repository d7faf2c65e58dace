package dev.memorag.query;

import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How questions from Kafka clients are confined: where their answers may go, whether they must show a token, and
 * how long a question id is remembered.
 *
 * @param replyTopics {@code MEMORAG_REPLY_TOPICS} (a Java regex over the whole name), default
 *                    {@code [A-Za-z0-9][A-Za-z0-9._-]*answers[A-Za-z0-9._-]*}: a reply-to header asks the service to
 *                    write somewhere, so besides never naming a catalog or internal topic (any topic under the prefix
 *                    but the default answers topic, any {@code __} topic) and only ever an existing one, it must look
 *                    like a reply topic; other topics of the cluster (an application's own, Connect's) stay out of
 *                    reach
 * @param trusted     {@code MEMORAG_KAFKA_QUESTIONS_TRUSTED}, default false: questions on Kafka need the corpus
 *                    token (or the admin token) in an {@code authorization: Bearer …} header, as HTTP asks do; true
 *                    where Kafka ACLs already decide who may produce questions
 * @param dedupWindow {@code MEMORAG_QUESTION_DEDUP_WINDOW} (ISO-8601), default PT10M: a question id seen again for
 *                    the same corpus within it is answered {@code DUPLICATE}, not a second time
 */
public record KafkaQuestions(Pattern replyTopics, boolean trusted, Duration dedupWindow) {

    public static KafkaQuestions of(Settings settings) {
        return new KafkaQuestions(
                settings.get(SettingsCatalogue.REPLY_TOPICS),
                settings.get(SettingsCatalogue.KAFKA_QUESTIONS_TRUSTED),
                settings.get(SettingsCatalogue.QUESTION_DEDUP_WINDOW));
    }

    public static KafkaQuestions defaults() {
        return of(Settings.defaults());
    }
}
