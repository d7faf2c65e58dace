package dev.memorag.query.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.query.EdgeLimits;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * One client's socket on one corpus. The client sends {@code {"type":"ask","ref":"q1","question":"..."}} and
 * {@code {"type":"cancel","ref":"q1"}}; it receives every answer event of its questions as a JSON frame carrying its
 * {@code ref}. Question ids are minted here, never taken from the client, so a socket can only ever receive the
 * events of its own questions. Closing the socket cancels its questions on the workers. A reader that falls
 * {@code bufferBytes} behind is closed rather than buffered without bound.
 */
final class SocketSession {
    private static final RecordValidator VALIDATOR = new RecordValidator();
    /** The question id of a refusal that never became a question. */
    private static final String UNASSIGNED = "unassigned";
    /** Close code of a socket past its lifetime (4000–4999 are for applications; 4401 echoes HTTP 401). */
    static final short EXPIRED = 4401;

    private static final short UNSUPPORTED_DATA = 1003;
    private static final short MESSAGE_TOO_BIG = 1009;
    private static final short TRY_AGAIN_LATER = 1013;

    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final String corpus;
    private final RecallRouter router;
    private final QuestionLimits limits;
    private final Duration timeout;
    private final Duration maxAge;
    private final int maxMessageBytes;
    private final Context context;
    /** client ref → the question in flight; touched only on this session's context */
    private final Map<String, InFlight> inFlight = new HashMap<>();
    /** the text message whose frames are arriving; null between messages */
    private Buffer pending;

    private record InFlight(Question question, long timer) {}

    SocketSession(
            Vertx vertx,
            ServerWebSocket socket,
            String corpus,
            RecallRouter router,
            QuestionLimits limits,
            EdgeLimits edge) {
        this.vertx = vertx;
        this.socket = socket;
        this.corpus = corpus;
        this.router = router;
        this.limits = limits;
        this.timeout = edge.answerTimeout();
        this.maxAge = edge.socketMaxAge();
        this.maxMessageBytes = edge.socketMaxMessageBytes();
        this.context = vertx.getOrCreateContext();
        socket.setWriteQueueMaxSize(edge.socketBufferBytes());
    }

    void start() {
        // a token is checked when the socket opens: a bounded lifetime makes the client come back and show it again
        long expiry = vertx.setTimer(
                maxAge.toMillis(),
                t -> socket.close(EXPIRED, "session expired after " + maxAge + ": reconnect with a valid token"));
        socket.frameHandler(this::onFrame);
        socket.closeHandler(v -> {
            vertx.cancelTimer(expiry);
            cancelAll();
        });
    }

    /**
     * Reassembles text messages here rather than in Vert.x: its aggregator only raises an exception past its limit
     * and then hands the rest of the message on as if it were whole.
     */
    private void onFrame(WebSocketFrame frame) {
        if (socket.isClosed()) {
            return;
        }
        if (frame.isBinary()) {
            socket.close(UNSUPPORTED_DATA, "text JSON frames only");
            return;
        }
        if (!frame.isText() && !frame.isContinuation()) {
            return; // pings, pongs and the closing handshake are Vert.x's
        }
        Buffer data = frame.binaryData();
        if (frame.isText()) {
            pending = Buffer.buffer(data.length());
        }
        if (pending.length() + data.length() > maxMessageBytes) {
            socket.close(MESSAGE_TOO_BIG, tooBig(maxMessageBytes));
            return;
        }
        pending.appendBuffer(data);
        if (frame.isFinal()) {
            String text = pending.toString(StandardCharsets.UTF_8);
            pending = null;
            onMessage(text);
        }
    }

    /** The reason a socket closed for a message over {@code maxMessageBytes} is given. */
    static String tooBig(int maxMessageBytes) {
        return "a message may be at most " + maxMessageBytes + " bytes";
    }

    private void onMessage(String text) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            refuse(null, ErrorInfo.of(ErrorCode.MALFORMED_JSON, "a frame must be a JSON object"));
            return;
        }
        if (message == null || !message.isObject()) {
            refuse(null, ErrorInfo.of(ErrorCode.MALFORMED_JSON, "a frame must be a JSON object"));
            return;
        }
        String ref = message.path("ref").asText(null);
        switch (message.path("type").asText("")) {
            case "ask" -> ask(ref, (ObjectNode) message);
            case "cancel" -> cancel(ref);
            default ->
                refuse(ref, ErrorInfo.of(ErrorCode.SCHEMA_VIOLATION, "frame type must be \"ask\" or \"cancel\""));
        }
    }

    private void ask(String ref, ObjectNode message) {
        if (ref == null || ref.isBlank() || inFlight.containsKey(ref)) {
            refuse(
                    ref,
                    ErrorInfo.of(
                            ErrorCode.SCHEMA_VIOLATION,
                            "an ask needs a \"ref\" that no question in flight on this socket uses"));
            return;
        }
        Question question;
        try {
            message.remove(List.of("type", "ref"));
            message.put("schemaVersion", 1);
            message.put("id", UUID.randomUUID().toString());
            message.put("corpus", corpus);
            question = VALIDATOR.parse(RecordType.QUESTION, Json.write(message));
        } catch (InvalidRecordException e) {
            refuse(ref, e.toErrorInfo());
            return;
        }
        OptionalLong wait = limits.tryAcquire(corpus);
        if (wait.isPresent()) {
            refuse(
                    ref,
                    ErrorInfo.of(
                            ErrorCode.RATE_LIMITED,
                            "too many questions for corpus '" + corpus + "'; retry in " + wait.getAsLong() + " s"));
            return;
        }
        long timer = vertx.setTimer(
                timeout.toMillis(),
                t -> context.runOnContext(v ->
                        abandon(ref, question, ErrorCode.TIMEOUT, "no answer within " + timeout.toSeconds() + " s")));
        inFlight.put(ref, new InFlight(question, timer));
        router.listen(
                question.id(),
                event -> context.runOnContext(v -> {
                    if (!inFlight.containsKey(ref)) {
                        return;
                    }
                    if (event.terminal()) {
                        finish(ref);
                    }
                    send(ref, event);
                }));
        router.route(question, null, null)
                .onFailure(e -> context.runOnContext(v ->
                        abandon(ref, question, ErrorCode.UNAVAILABLE, "cannot route the question: " + e.getMessage())));
    }

    private void cancel(String ref) {
        InFlight cancelled = finish(ref);
        if (cancelled != null) {
            router.cancel(cancelled.question());
            send(
                    ref,
                    AnswerEvent.error(
                            cancelled.question().id(),
                            corpus,
                            Integer.MAX_VALUE,
                            ErrorInfo.of(ErrorCode.CANCELLED, "cancelled by the client")));
        }
    }

    private void cancelAll() {
        for (String ref : List.copyOf(inFlight.keySet())) {
            router.cancel(finish(ref).question());
        }
    }

    /** Ends a question's bookkeeping; null if it had already ended. */
    private InFlight finish(String ref) {
        InFlight ended = inFlight.remove(ref);
        if (ended != null) {
            vertx.cancelTimer(ended.timer());
            limits.release(corpus);
        }
        return ended;
    }

    /** Gives up on a question still in flight (no answer in time, or it could not be routed) with an error event. */
    private void abandon(String ref, Question question, ErrorCode code, String message) {
        if (finish(ref) != null) {
            router.forget(question.id());
            send(ref, AnswerEvent.error(question.id(), corpus, Integer.MAX_VALUE, ErrorInfo.of(code, message)));
        }
    }

    private void refuse(String ref, ErrorInfo error) {
        send(ref, AnswerEvent.error(UNASSIGNED, corpus, 0, error));
    }

    private void send(String ref, AnswerEvent event) {
        if (socket.isClosed()) {
            return;
        }
        if (socket.writeQueueFull()) {
            socket.close(TRY_AGAIN_LATER, "reader too slow: the answer buffer is full");
            return;
        }
        ObjectNode frame = Json.MAPPER.valueToTree(event);
        if (ref != null) {
            frame.put("ref", ref);
        }
        socket.writeTextMessage(Json.writeString(frame));
    }
}
