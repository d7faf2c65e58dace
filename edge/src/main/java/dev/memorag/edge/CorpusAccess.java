package dev.memorag.edge;

import dev.memorag.auth.BearerToken;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who may do what, decided alike by every edge: a corpus's own token reads and writes that corpus, the admin token
 * every corpus and the registry. No token or a token nobody issued is 401; a valid token used where it has no right
 * is 403; the admin naming a corpus that does not exist is 404. A corpus token naming an unknown corpus is 403, like
 * another corpus's, so that a token cannot probe which corpora exist. Tokens are the bearer values as presented
 * (null when absent); the lookups may block (the gateway's are state-store reads).
 */
public final class CorpusAccess {
    /**
     * How long a request waits for what its token or corpus needs and this instance has not seen: a corpus created
     * through another instance a moment ago reaches this instance's copy of the registry a little later, although its
     * creator was already answered 201.
     */
    public static final Duration UNSEEN_WAIT = Duration.ofSeconds(3);
    /** Between looks at the registry while waiting (a look for a token may scan it). */
    private static final long UNSEEN_POLL_MS = 200;

    private final CorpusDirectory corpora;
    private final String adminToken;

    public CorpusAccess(CorpusDirectory corpora, String adminToken) {
        this.corpora = corpora;
        this.adminToken = adminToken;
    }

    /** Empty when {@code token} may use {@code corpus}; otherwise the error to answer with (401, 403 or 404). */
    public Optional<ErrorInfo> check(String token, String corpus) {
        if (token == null) {
            return Optional.of(missing());
        }
        if (isAdmin(token)) {
            return corpora.corpus(corpus).isPresent()
                    ? Optional.empty()
                    : Optional.of(ErrorInfo.of(ErrorCode.UNKNOWN_CORPUS, "corpus '" + corpus + "' is not registered"));
        }
        if (corpora.corpus(corpus).map(c -> c.acceptsToken(token)).orElse(false)) {
            return Optional.empty();
        }
        return corpora.corpusOfToken(token).isPresent()
                ? Optional.of(ErrorInfo.of(
                        ErrorCode.FORBIDDEN, "the token belongs to another corpus, not to '" + corpus + "'"))
                : Optional.of(invalid());
    }

    /** Empty when {@code token} is the admin token or some corpus's token; otherwise the 401 error. */
    public Optional<ErrorInfo> authenticate(String token) {
        if (token == null) {
            return Optional.of(missing());
        }
        return isAdmin(token) || corpora.corpusOfToken(token).isPresent() ? Optional.empty() : Optional.of(invalid());
    }

    /** Empty for the admin token; 403 for a corpus's token, which is valid but not enough to {@code action}; 401. */
    public Optional<ErrorInfo> requireAdmin(String token, String action) {
        if (isAdmin(token)) {
            return Optional.empty();
        }
        return authenticate(token)
                .or(() -> Optional.of(
                        ErrorInfo.of(ErrorCode.FORBIDDEN, action + " needs the admin token, not a corpus token")));
    }

    /** The corpora {@code token} may read, in id order: every one for the admin token, its own for a corpus's. */
    public List<Corpus> readable(String token) {
        if (token == null) {
            return List.of();
        }
        return isAdmin(token)
                ? corpora.corpora()
                : corpora.corpusOfToken(token).map(List::of).orElse(List.of());
    }

    /**
     * Whether this instance has seen what {@code token} needs: for the admin token the named corpus (if any); for any
     * other token a corpus that accepts it, whichever corpus is named, so how long a refusal takes never tells whether
     * a corpus exists. No token has nothing to wait for.
     */
    public boolean seen(String token, String corpus) {
        if (token == null) {
            return true;
        }
        return isAdmin(token)
                ? corpus == null || corpora.corpus(corpus).isPresent()
                : corpora.corpusOfToken(token).isPresent();
    }

    /**
     * Completes when {@code seen} (a look at the registry, {@link #seen} run where its lookups may block) answers true
     * or {@link #UNSEEN_WAIT} has passed, looking again every {@value #UNSEEN_POLL_MS} ms; never blocks the caller.
     */
    public static Future<Void> awaitSeen(Vertx vertx, Supplier<Future<Boolean>> seen) {
        return awaitSeen(vertx, seen, System.nanoTime() + UNSEEN_WAIT.toNanos());
    }

    private static Future<Void> awaitSeen(Vertx vertx, Supplier<Future<Boolean>> seen, long deadline) {
        return seen.get()
                .compose(found -> found || System.nanoTime() > deadline
                        ? Future.<Void>succeededFuture()
                        : vertx.timer(UNSEEN_POLL_MS).compose(t -> awaitSeen(vertx, seen, deadline)));
    }

    public boolean isAdmin(String token) {
        return BearerToken.matches(token, adminToken);
    }

    private static ErrorInfo missing() {
        return ErrorInfo.of(ErrorCode.UNAUTHORIZED, "missing 'Authorization: Bearer <token>' header");
    }

    private static ErrorInfo invalid() {
        return ErrorInfo.of(ErrorCode.UNAUTHORIZED, "the token is not valid");
    }
}
