package dev.memorag.ingest.gateway;

import dev.memorag.edge.HttpErrors;
import dev.memorag.ingest.status.StatusView;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.common.KafkaException;

/** What the error of a gateway handler that failed is: a refused record its code, a store or Kafka not ready 503. */
final class Failures {
    private Failures() {}

    static void answer(RoutingContext ctx, Throwable failure) {
        if (failure instanceof InvalidRecordException e) {
            HttpErrors.send(ctx.response(), e.code(), e.getMessage());
        } else if (failure instanceof StatusView.UnavailableException e) {
            HttpErrors.send(ctx.response(), ErrorCode.UNAVAILABLE, e.getMessage());
        } else if (failure instanceof KafkaException) {
            HttpErrors.send(
                    ctx.response(),
                    ErrorCode.UNAVAILABLE,
                    "Kafka did not take the record, retry: " + failure.getMessage());
        } else {
            HttpErrors.send(ctx.response(), ErrorCode.INTERNAL, "the request failed: " + failure);
        }
    }
}
