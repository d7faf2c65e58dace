package dev.memorag.query.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.edge.HttpErrors;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code POST /v1/corpora/:corpus/ask}: a JSON answer, or with {@code Accept: text/event-stream} every answer event
 * as a server-sent event.
 */
final class AskHandler implements Handler<RoutingContext> {
    /** The answer as one JSON object, an error as an HTTP error. */
    private static final HttpQuestion.Answering JSON = new HttpQuestion.Answering() {
        @Override
        public void admitted(HttpServerResponse response) {}

        @Override
        public void event(HttpServerResponse response, AnswerEvent event) {
            if (event.type() == AnswerEvent.Type.DONE) {
                response.putHeader("content-type", "application/json").end(Json.writeString(event.answer()));
            } else if (event.type() == AnswerEvent.Type.ERROR) {
                HttpErrors.send(response, event.error());
            }
        }

        @Override
        public void failed(HttpServerResponse response, int status, ErrorInfo error) {
            HttpErrors.send(response, status, error);
        }
    };

    private final HttpQuestion questions;
    private final RecordValidator validator = new RecordValidator();

    AskHandler(HttpQuestion questions) {
        this.questions = questions;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Question question;
        try {
            question = parse(ctx);
        } catch (InvalidRecordException e) {
            HttpErrors.send(ctx.response(), 400, e.toErrorInfo());
            return;
        }
        boolean sse = String.valueOf(ctx.request().getHeader("accept")).contains("text/event-stream");
        questions.ask(ctx, question, sse ? new EventStream(question) : JSON);
    }

    private Question parse(RoutingContext ctx) {
        ObjectNode body;
        try {
            var tree = Json.MAPPER.readTree(
                    ctx.body().buffer() == null
                            ? new byte[0]
                            : ctx.body().buffer().getBytes());
            if (tree == null || !tree.isObject()) {
                throw new InvalidRecordException(
                        ErrorCode.MALFORMED_JSON, "the body must be a JSON object such as {\"question\": \"...\"}");
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

    /** Every answer event as a server-sent event named by its type. */
    private record EventStream(Question question) implements HttpQuestion.Answering {
        @Override
        public void admitted(HttpServerResponse response) {
            response.setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache");
        }

        @Override
        public void event(HttpServerResponse response, AnswerEvent event) {
            if (!response.ended() && !response.closed()) {
                response.write("event: " + event.type().wire() + "\ndata: " + Json.writeString(event) + "\n\n");
                if (event.terminal()) {
                    response.end();
                }
            }
        }

        @Override
        public void failed(HttpServerResponse response, int status, ErrorInfo error) {
            if (response.headWritten()) {
                event(response, AnswerEvent.error(question.id(), question.corpus(), Integer.MAX_VALUE, error));
            } else {
                HttpErrors.send(response, status, error);
            }
        }
    }
}
