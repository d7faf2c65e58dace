package dev.memorag.query.openai;

import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An error in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}: {@code type} is OpenAI's class of
 * the status (which the SDKs turn into their error classes), {@code code} the edge's {@link ErrorCode} in lower
 * case, {@code param} the request field at fault or null.
 *
 * @param status the HTTP status
 */
record OpenAiError(int status, String message, String type, String param, String code) {

    static OpenAiError of(ErrorInfo error) {
        return of(error, null);
    }

    /** {@code error} answered with the status its code stands for. */
    static OpenAiError of(ErrorInfo error, String param) {
        int status;
        try {
            status = ErrorCode.valueOf(error.code()).httpStatus();
        } catch (IllegalArgumentException e) {
            status = 500;
        }
        return of(status, error, param);
    }

    static OpenAiError of(int status, ErrorInfo error, String param) {
        return new OpenAiError(
                status, error.message(), typeOf(status), param, error.code().toLowerCase(Locale.ROOT));
    }

    private static String typeOf(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** The body: {@code {"error": {...}}}, also the data of an error event in a stream. */
    String json() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Json.writeString(Map.of("error", error));
    }

    void send(HttpServerResponse response) {
        if (!response.ended() && !response.closed()) {
            response.setStatusCode(status)
                    .putHeader("content-type", "application/json")
                    .end(json());
        }
    }
}
