package dev.memorag.edge;

import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Every refused HTTP request of an edge: a status and the JSON body {@code {"error":{"code","message"}}}; a 503 also
 * says when to retry ({@code retry-after}). The status is the code's own unless a caller has a reason to differ.
 */
public final class HttpErrors {
    private HttpErrors() {}

    public static void send(HttpServerResponse response, ErrorCode code, String message) {
        send(response, code.httpStatus(), ErrorInfo.of(code, message));
    }

    /** With the status of the error's code (500 for a code this version does not know). */
    public static void send(HttpServerResponse response, ErrorInfo error) {
        send(response, statusOf(error), error);
    }

    public static void send(HttpServerResponse response, int status, ErrorInfo error) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (status == 503) {
            response.putHeader("retry-after", "1");
        }
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(Json.writeString(Map.of("error", error)));
    }

    public static int statusOf(ErrorInfo error) {
        try {
            return ErrorCode.valueOf(error.code()).httpStatus();
        } catch (IllegalArgumentException e) {
            return 500;
        }
    }

    /** Answers a path no route matches with {@code NOT_FOUND} and a known path's wrong method with 405. */
    public static void answerRoutingErrors(Router router) {
        router.errorHandler(
                404,
                ctx -> send(
                        ctx.response(),
                        ErrorCode.NOT_FOUND,
                        "no route " + ctx.request().method() + " "
                                + ctx.request().path()));
        router.errorHandler(
                405,
                ctx -> send(
                        ctx.response(),
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "method " + ctx.request().method() + " is not allowed on "
                                + ctx.request().path()));
    }
}
