package dev.memorag.query;

import static dev.memorag.settings.SettingsCatalogue.ANSWER_TIMEOUT;
import static dev.memorag.settings.SettingsCatalogue.MAX_IN_FLIGHT_PER_CORPUS;
import static dev.memorag.settings.SettingsCatalogue.QUESTIONS_PER_SECOND;
import static dev.memorag.settings.SettingsCatalogue.SOCKET_BUFFER_BYTES;
import static dev.memorag.settings.SettingsCatalogue.SOCKET_MAX_AGE;
import static dev.memorag.settings.SettingsCatalogue.SOCKET_MAX_MESSAGE_BYTES;

import dev.memorag.settings.Settings;
import java.time.Duration;

/**
 * How much the edge lets one corpus and one client take.
 *
 * @param answerTimeout         {@code MEMORAG_ANSWER_TIMEOUT}: how long the edge waits for an answer (ISO-8601)
 * @param maxInFlightPerCorpus  {@code MEMORAG_MAX_IN_FLIGHT_PER_CORPUS}: questions of one corpus answered at once
 * @param questionsPerSecond    {@code MEMORAG_QUESTIONS_PER_SECOND}: sustained questions per second per corpus
 *                              (bursts of twice that); 429 above
 * @param socketBufferBytes     {@code MEMORAG_SOCKET_BUFFER_BYTES}: unread bytes after which a WebSocket is closed
 * @param socketMaxMessageBytes {@code MEMORAG_SOCKET_MAX_MESSAGE_BYTES}: largest text message a WebSocket client
 *                              may send, all its frames together; a larger one closes the socket (1009)
 * @param socketMaxAge          {@code MEMORAG_SOCKET_MAX_AGE}: a WebSocket's lifetime; then it is closed (4401) and
 *                              the client reconnects, so its token is checked again
 */
public record EdgeLimits(
        Duration answerTimeout,
        int maxInFlightPerCorpus,
        double questionsPerSecond,
        int socketBufferBytes,
        int socketMaxMessageBytes,
        Duration socketMaxAge) {

    public static EdgeLimits of(Settings settings) {
        return new EdgeLimits(
                settings.get(ANSWER_TIMEOUT),
                settings.get(MAX_IN_FLIGHT_PER_CORPUS),
                settings.get(QUESTIONS_PER_SECOND),
                settings.get(SOCKET_BUFFER_BYTES),
                settings.get(SOCKET_MAX_MESSAGE_BYTES),
                settings.get(SOCKET_MAX_AGE));
    }

    public static EdgeLimits defaults() {
        return of(Settings.defaults());
    }
}
