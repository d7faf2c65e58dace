package dev.memorag.query.edge;

import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;

/** Every HTTP error of the edge: a status and a JSON body {@code {"error":{"code","message"}}}. */
final class HttpErrors {
    private HttpErrors() {
    }

    static void send(HttpServerResponse response, int status, ErrorInfo error) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(Json.writeString(Map.of("error", error)));
    }

    static int statusOf(ErrorInfo error) {
        try {
            return ErrorCode.valueOf(error.code()).httpStatus();
        } catch (IllegalArgumentException e) {
            return 500;
        }
    }
}
