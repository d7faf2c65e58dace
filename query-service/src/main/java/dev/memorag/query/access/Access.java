package dev.memorag.query.access;

import dev.memorag.auth.BearerToken;
import dev.memorag.edge.CorpusAccess;
import dev.memorag.edge.CorpusDirectory;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * Where the query service finds a token: the {@code Authorization: Bearer} header, the {@code access_token} query
 * parameter where a browser cannot set headers (WebSocket), or a Kafka question's {@code authorization} header.
 * What a token may do is {@link CorpusAccess}'s decision, the same as the gateway's.
 */
public final class Access {
    private final CorpusAccess access;

    public Access(CorpusDirectory registry, String adminToken) {
        this.access = new CorpusAccess(registry, adminToken);
    }

    /** Empty when the request may use {@code corpus}; otherwise the error to answer with (401, 403 or 404). */
    public Optional<ErrorInfo> check(HttpServerRequest request, String corpus) {
        String token = token(request);
        if (token == null) {
            return Optional.of(ErrorInfo.of(
                    ErrorCode.UNAUTHORIZED,
                    "missing 'Authorization: Bearer <corpus token>' (or ?access_token= on a WebSocket)"));
        }
        return access.check(token, corpus);
    }

    /**
     * Completes once this instance has seen what the request's token needs ({@link CorpusAccess#seen}): at once for a
     * token it knows, else when its registry has it or after {@link CorpusAccess#UNSEEN_WAIT}, since a corpus created
     * through the gateway a moment ago reaches this registry a little after its creator was answered. Decide after
     * it. The registry is in memory, so looking never blocks.
     */
    public Future<Void> whenSeen(Vertx vertx, HttpServerRequest request, String corpus) {
        return whenSeenToken(vertx, token(request), corpus);
    }

    /** The same wait for a Kafka question's {@code authorization} header value ({@code Bearer <token>}, may be null). */
    public Future<Void> whenSeen(Vertx vertx, String authorization, String corpus) {
        return whenSeenToken(vertx, BearerToken.of(authorization), corpus);
    }

    private Future<Void> whenSeenToken(Vertx vertx, String token, String corpus) {
        return CorpusAccess.awaitSeen(vertx, () -> Future.succeededFuture(access.seen(token, corpus)));
    }

    /** Empty when the request carries the admin token or some corpus's token; otherwise the 401 error. */
    public Optional<ErrorInfo> authenticate(HttpServerRequest request) {
        return access.authenticate(token(request));
    }

    /** The corpora the request's token may read, by id: every corpus for the admin token, its own for a corpus's. */
    public List<Corpus> readable(HttpServerRequest request) {
        return access.readable(token(request));
    }

    /**
     * The same check for a Kafka question's {@code authorization} header value ({@code Bearer <token>}, may be
     * null).
     */
    public Optional<ErrorInfo> checkHeader(String authorization, String corpus) {
        String token = BearerToken.of(authorization);
        if (token == null) {
            return Optional.of(ErrorInfo.of(
                    ErrorCode.UNAUTHORIZED, "missing header 'authorization: Bearer <corpus token>' on the question"));
        }
        return access.check(token, corpus);
    }

    private static String token(HttpServerRequest request) {
        String token = BearerToken.of(request.getHeader("authorization"));
        return token != null ? token : request.getParam("access_token");
    }
}
