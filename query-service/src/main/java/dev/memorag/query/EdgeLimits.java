package dev.memorag.query;

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
public record EdgeLimits(Duration answerTimeout, int maxInFlightPerCorpus, double questionsPerSecond,
                         int socketBufferBytes, int socketMaxMessageBytes, Duration socketMaxAge) {

    public static EdgeLimits defaults() {
        return new EdgeLimits(Duration.ofSeconds(60), 64, 50, 1 << 20, 64 * 1024, Duration.ofHours(1));
    }

    public EdgeLimits withQuestionRate(int maxInFlight, double perSecond) {
        return new EdgeLimits(answerTimeout, maxInFlight, perSecond, socketBufferBytes, socketMaxMessageBytes,
                socketMaxAge);
    }

    public EdgeLimits withSocketMaxAge(Duration maxAge) {
        return new EdgeLimits(answerTimeout, maxInFlightPerCorpus, questionsPerSecond, socketBufferBytes,
                socketMaxMessageBytes, maxAge);
    }
}
