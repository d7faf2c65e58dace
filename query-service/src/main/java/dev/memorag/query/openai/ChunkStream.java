package dev.memorag.query.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.query.edge.HttpQuestion;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import io.vertx.core.http.HttpServerResponse;

/**
 * A streaming chat completion as OpenAI sends it: unnamed server-sent events, one {@code chat.completion.chunk} per
 * generated piece of text, a last chunk with the {@code memorag} extension, then {@code data: [DONE]}. A generator
 * that does not stream (the extractive one) yields the whole answer as one content chunk. An error after the head is
 * written is an {@code {"error": {...}}} event, which the SDKs raise.
 */
final class ChunkStream implements HttpQuestion.Answering {
    private final Completions completions;
    private boolean roleSent;
    private boolean contentSent;

    ChunkStream(Completions completions) {
        this.completions = completions;
    }

    @Override
    public void admitted(HttpServerResponse response) {
        response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
    }

    @Override
    public void event(HttpServerResponse response, AnswerEvent event) {
        switch (event.type()) {
            case TOKEN -> content(response, event.text());
            case DONE -> {
                if (!contentSent && event.answer().answer() != null) {
                    content(response, event.answer().answer());
                }
                write(response, completions.last(event.answer()));
                end(response, "[DONE]");
            }
            case ERROR -> error(response, OpenAiError.of(event.error()));
            default -> {} // clues and evidence arrive with the last chunk
        }
    }

    @Override
    public void failed(HttpServerResponse response, int status, ErrorInfo error) {
        error(response, OpenAiError.of(status, error, null));
    }

    private static void error(HttpServerResponse response, OpenAiError error) {
        if (response.headWritten()) {
            end(response, error.json());
        } else {
            error.send(response);
        }
    }

    private void content(HttpServerResponse response, String text) {
        write(response, completions.delta(text, !roleSent));
        roleSent = true;
        contentSent = true;
    }

    private static void write(HttpServerResponse response, JsonNode chunk) {
        if (!response.ended() && !response.closed()) {
            response.write("data: " + Json.writeString(chunk) + "\n\n");
        }
    }

    private static void end(HttpServerResponse response, String data) {
        if (!response.ended() && !response.closed()) {
            response.end("data: " + data + "\n\n");
        }
    }
}
