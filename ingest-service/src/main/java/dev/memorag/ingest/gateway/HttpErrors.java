package dev.memorag.ingest.gateway;

import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.ingest.status.StatusView;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.common.KafkaException;
import java.util.Map;

/**
 * Every error of the gateway: the code's HTTP status and a JSON body {@code {"error":{"code","message"}}}; a 503
 * says when to retry ({@code retry-after}).
 */
final class HttpErrors {
    private HttpErrors() {
    }

    static void send(RoutingContext ctx, ErrorCode code, String message) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (code == ErrorCode.UNAVAILABLE) {
            ctx.response().putHeader("retry-after", "1");
        }
        ctx.response().setStatusCode(code.httpStatus())
                .putHeader("content-type", "application/json")
                .end(Json.writeString(Map.of("error", ErrorInfo.of(code, message))));
    }

    /** Maps what a handler failed with to its error response. */
    static void fail(RoutingContext ctx, Throwable failure) {
        if (failure instanceof InvalidRecordException e) {
            send(ctx, e.code(), e.getMessage());
        } else if (failure instanceof StatusView.UnavailableException e) {
            send(ctx, ErrorCode.UNAVAILABLE, e.getMessage());
        } else if (failure instanceof KafkaException) {
            send(ctx, ErrorCode.UNAVAILABLE, "Kafka did not take the record, retry: " + failure.getMessage());
        } else {
            send(ctx, ErrorCode.INTERNAL, "the request failed: " + failure);
        }
    }
}
