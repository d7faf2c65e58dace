package dev.memorag.query.openai;

import dev.memorag.query.edge.HttpQuestion;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import io.vertx.core.http.HttpServerResponse;

/** A non-streaming chat completion: one {@code chat.completion} object once the answer is done. */
final class JsonCompletion implements HttpQuestion.Answering {
    private final Completions completions;

    JsonCompletion(Completions completions) {
        this.completions = completions;
    }

    @Override
    public void admitted(HttpServerResponse response) {}

    @Override
    public void event(HttpServerResponse response, AnswerEvent event) {
        if (event.type() == AnswerEvent.Type.DONE) {
            response.putHeader("content-type", "application/json")
                    .end(Json.writeString(completions.completion(event.answer())));
        } else if (event.type() == AnswerEvent.Type.ERROR) {
            OpenAiError.of(event.error()).send(response);
        }
    }

    @Override
    public void failed(HttpServerResponse response, int status, ErrorInfo error) {
        OpenAiError.of(status, error, null).send(response);
    }
}
