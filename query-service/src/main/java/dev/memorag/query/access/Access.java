package dev.memorag.query.access;

import dev.memorag.auth.BearerToken;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * Who may use a corpus: its own bearer token, or the admin token. Tokens come from the {@code Authorization: Bearer}
 * header, or from the {@code access_token} query parameter where a browser cannot set headers (WebSocket).
 */
public final class Access {
    private final CorpusRegistry registry;
    private final String adminToken;

    public Access(CorpusRegistry registry, String adminToken) {
        this.registry = registry;
        this.adminToken = adminToken;
    }

    /** Empty when the request may use {@code corpus}; otherwise the error to answer with (401, 403 or 404). */
    public Optional<ErrorInfo> check(HttpServerRequest request, String corpus) {
        String token = token(request);
        if (token == null) {
            return Optional.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED,
                    "missing 'Authorization: Bearer <corpus token>' (or ?access_token= on a WebSocket)"));
        }
        return check(token, corpus);
    }

    /** Empty when the request carries the admin token or some corpus's token; otherwise the 401 error. */
    public Optional<ErrorInfo> authenticate(HttpServerRequest request) {
        String token = token(request);
        if (token == null) {
            return Optional.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED,
                    "missing 'Authorization: Bearer <corpus token>'"));
        }
        return isAdmin(token) || registry.corpusOfToken(token).isPresent() ? Optional.empty()
                : Optional.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED, "the token is not valid"));
    }

    /** The corpora the request's token may read, by id: every corpus for the admin token, its own for a corpus's. */
    public List<Corpus> readable(HttpServerRequest request) {
        String token = token(request);
        return token == null ? List.of() : readable(token);
    }

    private List<Corpus> readable(String token) {
        return isAdmin(token) ? registry.corpora() : registry.corpusOfToken(token).map(List::of).orElse(List.of());
    }

    /**
     * The same check for a Kafka question's {@code authorization} header value ({@code Bearer <token>}, may be
     * null).
     */
    public Optional<ErrorInfo> checkHeader(String authorization, String corpus) {
        String token = BearerToken.of(authorization);
        if (token == null) {
            return Optional.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED,
                    "missing header 'authorization: Bearer <corpus token>' on the question"));
        }
        return check(token, corpus);
    }

    private Optional<ErrorInfo> check(String token, String corpus) {
        if (isAdmin(token)) {
            return registry.corpus(corpus).isPresent() ? Optional.empty()
                    : Optional.of(ErrorInfo.of(ErrorCode.UNKNOWN_CORPUS, "corpus '" + corpus + "' is not registered"));
        }
        if (registry.corpus(corpus).map(c -> c.acceptsToken(token)).orElse(false)) {
            return Optional.empty();
        }
        if (registry.corpusOfToken(token).isPresent()) {
            return Optional.of(ErrorInfo.of(ErrorCode.FORBIDDEN,
                    "the token belongs to another corpus, not to '" + corpus + "'"));
        }
        return Optional.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED, "the token is not valid"));
    }

    private boolean isAdmin(String token) {
        return BearerToken.matches(token, adminToken);
    }

    private static String token(HttpServerRequest request) {
        String token = BearerToken.of(request.getHeader("authorization"));
        return token != null ? token : request.getParam("access_token");
    }
}
