package dev.memorag.query.openai;

import dev.memorag.query.access.Access;
import dev.memorag.query.edge.HttpQuestion;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordValidator;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: the token first (401, as OpenAI answers before reading the body), then the body
 * (400), then whether the token may read the corpus named by {@code model} (403, or 404 for the admin token and an
 * unknown corpus; a corpus token gets 403 for any other model, so it cannot probe which corpora exist). The question
 * then goes the way of {@code /ask}: same limits, timeout and cancellation.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {
    private final Access access;
    private final HttpQuestion questions;
    private final RecordValidator validator = new RecordValidator();

    ChatCompletionsHandler(Access access, HttpQuestion questions) {
        this.access = access;
        this.questions = questions;
    }

    @Override
    public void handle(RoutingContext ctx) {
        access.whenSeen(ctx.vertx(), ctx.request(), null).onComplete(seen -> handleSeen(ctx));
    }

    private void handleSeen(RoutingContext ctx) {
        Optional<ErrorInfo> unauthenticated = access.authenticate(ctx.request());
        if (unauthenticated.isPresent()) {
            OpenAiError.of(unauthenticated.get()).send(ctx.response());
            return;
        }
        ChatRequest request;
        try {
            request = ChatRequest.parse(
                    ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes());
        } catch (ChatRequest.Refused e) {
            e.error().send(ctx.response());
            return;
        }
        // the admin token may name a corpus created a moment ago
        access.whenSeen(ctx.vertx(), ctx.request(), request.model()).onComplete(seen -> ask(ctx, request));
    }

    private void ask(RoutingContext ctx, ChatRequest request) {
        Question question;
        try {
            Optional<ErrorInfo> denied = access.check(ctx.request(), request.model());
            if (denied.isPresent()) {
                OpenAiError.of(denied.get(), "model").send(ctx.response());
                return;
            }
            question = request.toQuestion(UUID.randomUUID().toString(), validator);
        } catch (ChatRequest.Refused e) {
            e.error().send(ctx.response());
            return;
        }
        Completions completions = new Completions(question);
        questions.ask(ctx, question, request.stream() ? new ChunkStream(completions) : new JsonCompletion(completions));
    }
}
