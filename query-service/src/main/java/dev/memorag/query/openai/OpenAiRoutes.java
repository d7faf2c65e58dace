package dev.memorag.query.openai;

import dev.memorag.query.access.Access;
import dev.memorag.query.edge.HttpQuestion;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The OpenAI-compatible API over the corpora: a corpus is a model, its token the API key. Any OpenAI client (the
 * SDKs, Open WebUI, LangChain) pointed at {@code http://host:port/v1} lists the corpora it may read and chats with
 * one; answers come from the same ask path as {@code /v1/corpora/:corpus/ask}.
 */
public final class OpenAiRoutes {
    private OpenAiRoutes() {}

    public static void mount(Router router, Access access, HttpQuestion questions, long maxBodyBytes) {
        ModelsHandler models = new ModelsHandler(access);
        router.get("/v1/models").handler(models::list);
        router.get("/v1/models/:model").handler(models::retrieve);
        router.post("/v1/chat/completions")
                .handler(BodyHandler.create().setBodyLimit(maxBodyBytes))
                .handler(new ChatCompletionsHandler(access, questions))
                .failureHandler(ctx -> OpenAiError.of(
                                ctx.statusCode() == 413
                                        ? ErrorInfo.of(
                                                ErrorCode.TOO_LARGE,
                                                "the body is larger than " + maxBodyBytes + " bytes")
                                        : ErrorInfo.of(ErrorCode.INTERNAL, String.valueOf(ctx.failure())))
                        .send(ctx.response()));
    }
}
