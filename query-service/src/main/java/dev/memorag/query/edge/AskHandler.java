package dev.memorag.query.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.query.access.QuestionLimits;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * {@code POST /v1/corpora/:corpus/ask}: a JSON answer, or with {@code Accept: text/event-stream} every answer event
 * as a server-sent event. Never blocks the event loop: the answer arrives as events from the worker.
 */
final class AskHandler implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final RecallRouter router;
    private final Duration timeout;
    private final QuestionLimits limits;
    private final RecordValidator validator = new RecordValidator();

    AskHandler(Vertx vertx, RecallRouter router, Duration timeout, QuestionLimits limits) {
        this.vertx = vertx;
        this.router = router;
        this.timeout = timeout;
        this.limits = limits;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        Question question;
        try {
            question = parse(ctx);
        } catch (InvalidRecordException e) {
            HttpErrors.send(ctx.response(), 400, e.toErrorInfo());
            return;
        }
        OptionalLong wait = limits.tryAcquire(corpus);
        if (wait.isPresent()) {
            ctx.response().putHeader("retry-after", Long.toString(wait.getAsLong()));
            HttpErrors.send(ctx.response(), 429, ErrorInfo.of(ErrorCode.RATE_LIMITED,
                    "too many questions for corpus '" + corpus + "'; retry in " + wait.getAsLong() + " s"));
            return;
        }
        ctx.addEndHandler(v -> limits.release(corpus)); // runs once: when the response ends or the connection drops
        boolean sse = String.valueOf(ctx.request().getHeader("accept")).contains("text/event-stream");
        HttpServerResponse response = ctx.response();
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            router.forget(question.id());
            ErrorInfo error = ErrorInfo.of(ErrorCode.TIMEOUT,
                    "no answer within " + timeout.toSeconds() + " s; is a memory worker running?");
            if (sse && response.headWritten()) {
                writeEvent(response, AnswerEvent.error(question.id(), question.corpus(), Integer.MAX_VALUE, error));
                response.end();
            } else {
                HttpErrors.send(response, 504, error);
            }
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            if (response.ended()) {
                router.forget(question.id());
            } else {
                router.cancel(question); // the asker hung up mid-answer: stop the worker too
            }
        });
        if (sse) {
            response.setChunked(true).putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache");
        }
        // events and routing failures arrive on the Kafka verticles' event loops: answer on this request's
        Context context = vertx.getOrCreateContext();
        router.listen(question.id(), event -> context.runOnContext(v -> {
            if (event.terminal()) {
                vertx.cancelTimer(timer);
            }
            if (sse) {
                writeEvent(response, event);
                if (event.terminal()) {
                    response.end();
                }
            } else if (event.type() == AnswerEvent.Type.DONE) {
                response.putHeader("content-type", "application/json").end(Json.writeString(event.answer()));
            } else if (event.type() == AnswerEvent.Type.ERROR) {
                HttpErrors.send(response, HttpErrors.statusOf(event.error()), event.error());
            }
        }));
        router.route(question, null, null).onFailure(e -> context.runOnContext(v -> {
            router.forget(question.id());
            vertx.cancelTimer(timer);
            HttpErrors.send(response, 503, ErrorInfo.of(ErrorCode.UNAVAILABLE, "cannot route the question: "
                    + e.getMessage()));
        }));
    }

    private Question parse(RoutingContext ctx) {
        ObjectNode body;
        try {
            var tree = Json.MAPPER.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
            if (tree == null || !tree.isObject()) {
                throw new InvalidRecordException(ErrorCode.MALFORMED_JSON,
                        "the body must be a JSON object such as {\"question\": \"...\"}");
            }
            body = (ObjectNode) tree;
        } catch (java.io.IOException e) {
            throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "the body is not JSON: " + e.getMessage());
        }
        body.put("schemaVersion", 1);
        body.put("id", UUID.randomUUID().toString());
        body.put("corpus", ctx.pathParam("corpus"));
        return validator.parse(RecordType.QUESTION, Json.write(body));
    }

    private static void writeEvent(HttpServerResponse response, AnswerEvent event) {
        if (!response.ended() && !response.closed()) {
            response.write("event: " + event.type().wire() + "\ndata: " + Json.writeString(event) + "\n\n");
        }
    }
}
