package dev.memorag.query.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.query.access.Access;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/:model}: the corpora the token may read, as OpenAI model objects
 * (every corpus for the admin token, its own for a corpus token).
 */
final class ModelsHandler {
    private final Access access;

    ModelsHandler(Access access) {
        this.access = access;
    }

    void list(RoutingContext ctx) {
        access.whenSeen(ctx.vertx(), ctx.request(), null).onComplete(seen -> listSeen(ctx));
    }

    private void listSeen(RoutingContext ctx) {
        if (authenticated(ctx)) {
            ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            access.readable(ctx.request()).forEach(corpus -> data.add(model(corpus)));
            send(ctx.response(), list);
        }
    }

    void retrieve(RoutingContext ctx) {
        String id = ctx.pathParam("model");
        access.whenSeen(ctx.vertx(), ctx.request(), id).onComplete(seen -> retrieveSeen(ctx, id));
    }

    private void retrieveSeen(RoutingContext ctx, String id) {
        if (authenticated(ctx)) {
            Optional<ErrorInfo> denied = access.check(ctx.request(), id);
            Optional<Corpus> corpus = access.readable(ctx.request()).stream()
                    .filter(c -> c.id().equals(id))
                    .findFirst();
            if (denied.isEmpty() && corpus.isPresent()) {
                send(ctx.response(), model(corpus.get()));
            } else {
                OpenAiError.of(denied.orElse(ErrorInfo.of(ErrorCode.UNKNOWN_CORPUS, "no model '" + id + "'")), "model")
                        .send(ctx.response());
            }
        }
    }

    private boolean authenticated(RoutingContext ctx) {
        Optional<ErrorInfo> unauthenticated = access.authenticate(ctx.request());
        unauthenticated.ifPresent(error -> OpenAiError.of(error).send(ctx.response()));
        return unauthenticated.isEmpty();
    }

    private static ObjectNode model(Corpus corpus) {
        return Json.MAPPER
                .createObjectNode()
                .put("id", corpus.id())
                .put("object", "model")
                .put("created", corpus.createdAt() / 1000)
                .put("owned_by", "memorag");
    }

    private static void send(HttpServerResponse response, ObjectNode body) {
        response.putHeader("content-type", "application/json").end(Json.writeString(body));
    }
}
