package dev.memorag.query.edge;

import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Question;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * One question asked over HTTP, whatever the wire format: admission by the corpus's {@link QuestionLimits}, the
 * answer timeout, cancellation when the asker hangs up, and the worker's events handed to an {@link Answering} on
 * the request's context. Never blocks the event loop. {@code /ask} and the OpenAI-compatible routes render the same
 * life in their own formats.
 */
public final class HttpQuestion {
    private final Vertx vertx;
    private final RecallRouter router;
    private final QuestionLimits limits;
    private final Duration timeout;

    public HttpQuestion(Vertx vertx, RecallRouter router, QuestionLimits limits, Duration timeout) {
        this.vertx = vertx;
        this.router = router;
        this.limits = limits;
        this.timeout = timeout;
    }

    /** How one wire format renders a question's outcome; every call runs on the request's context. */
    public interface Answering {
        /** The question was admitted and is about to be routed: the place to set streaming headers. */
        void admitted(HttpServerResponse response);

        /** An event from the worker; the terminal one ({@link AnswerEvent#terminal()}) comes last. */
        void event(HttpServerResponse response, AnswerEvent event);

        /** The edge answers instead of the worker: 429, 503 or 504. A stream's head may already be written. */
        void failed(HttpServerResponse response, int status, ErrorInfo error);
    }

    public void ask(RoutingContext ctx, Question question, Answering answering) {
        String corpus = question.corpus();
        HttpServerResponse response = ctx.response();
        OptionalLong wait = limits.tryAcquire(corpus);
        if (wait.isPresent()) {
            response.putHeader("retry-after", Long.toString(wait.getAsLong()));
            answering.failed(
                    response,
                    429,
                    ErrorInfo.of(
                            ErrorCode.RATE_LIMITED,
                            "too many questions for corpus '" + corpus + "'; retry in " + wait.getAsLong() + " s"));
            return;
        }
        ctx.addEndHandler(v -> limits.release(corpus)); // runs once: when the response ends or the connection drops
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            router.forget(question.id());
            answering.failed(
                    response,
                    504,
                    ErrorInfo.of(
                            ErrorCode.TIMEOUT,
                            "no answer within " + timeout.toSeconds() + " s; is a memory worker running?"));
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            if (response.ended()) {
                router.forget(question.id());
            } else {
                router.cancel(question); // the asker hung up mid-answer: stop the worker too
            }
        });
        answering.admitted(response);
        // events and routing failures arrive on the Kafka verticles' event loops: answer on this request's
        Context context = vertx.getOrCreateContext();
        router.listen(
                question.id(),
                event -> context.runOnContext(v -> {
                    if (event.terminal()) {
                        vertx.cancelTimer(timer);
                    }
                    answering.event(response, event);
                }));
        router.route(question, null, null)
                .onFailure(e -> context.runOnContext(v -> {
                    router.forget(question.id());
                    vertx.cancelTimer(timer);
                    answering.failed(
                            response,
                            503,
                            ErrorInfo.of(ErrorCode.UNAVAILABLE, "cannot route the question: " + e.getMessage()));
                }));
    }
}
