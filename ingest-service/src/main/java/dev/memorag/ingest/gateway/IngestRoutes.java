package dev.memorag.ingest.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.auth.BearerToken;
import dev.memorag.edge.CorpusAccess;
import dev.memorag.edge.HttpErrors;
import dev.memorag.health.Health;
import dev.memorag.ingest.status.StatusOwners;
import dev.memorag.ingest.status.StatusView;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The gateway's HTTP API. Every corpus route needs the corpus's bearer token (or the admin token); every error is
 * JSON with a code and a message. Store lookups, file extraction and Kafka sends run off the event loop.
 */
final class IngestRoutes {
    private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final GatewayConfig config;
    private final TopicCatalog topics;
    private final StatusView status;
    private final StatusForwarder toOwner;
    private final Health health;
    private final RecordPublisher publisher;
    private final TextExtractor extractor;
    private final RecordValidator validator = new RecordValidator();
    private final CorpusAccess access;
    private final Path uploads;

    IngestRoutes(
            Vertx vertx,
            GatewayConfig config,
            TopicCatalog topics,
            StatusView status,
            StatusOwners owners,
            Health health,
            RecordPublisher publisher,
            Path uploads) {
        this.vertx = vertx;
        this.config = config;
        this.topics = topics;
        this.status = status;
        this.toOwner = new StatusForwarder(vertx, owners);
        this.health = health;
        this.publisher = publisher;
        this.extractor = new TextExtractor(config.maxTextChars());
        this.uploads = uploads;
        this.access = new CorpusAccess(status, config.adminToken());
    }

    Router router() {
        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(uploads.toString())
                .setBodyLimit(config.maxUploadBytes())
                .setDeleteUploadedFilesOnEnd(true);
        // liveness fails once a part has stopped for good; readiness while any part (admission first) is not working
        router.get("/health")
                .handler(ctx -> ctx.response()
                        .setStatusCode(health.live() ? 200 : 503)
                        .putHeader("content-type", "application/json")
                        .end(Json.writeString(health.livenessReport())));
        router.get("/ready")
                .handler(ctx -> ctx.response()
                        .setStatusCode(health.ready() ? 200 : 503)
                        .putHeader("content-type", "application/json")
                        .end(Json.writeString(health.readinessReport())));
        router.get("/metrics")
                .handler(ctx -> blocking(() -> MemoryMetrics.render(status.progress()))
                        .onSuccess(text -> ctx.response()
                                .putHeader("content-type", "text/plain; version=0.0.4")
                                .end(text))
                        .onFailure(e -> Failures.answer(ctx, e)));
        // bodies are read before the (asynchronous) token check: Vert.x needs the body handler first on a route
        router.route("/v1/*").handler(body);
        router.post("/v1/corpora").handler(this::requireAdmin).handler(this::createCorpus);
        router.get("/v1/corpora").handler(this::requireAnyToken).handler(this::listCorpora);
        router.route("/v1/corpora/:corpus/*").handler(this::requireCorpusToken);
        router.put("/v1/corpora/:corpus/documents/:doc").handler(this::putDocument);
        // the routes that read a corpus's document status are answered by the instance owning its partition
        router.delete("/v1/corpora/:corpus/documents/:doc").handler(toOwner).handler(this::deleteDocument);
        router.get("/v1/corpora/:corpus/documents").handler(toOwner).handler(this::listDocuments);
        router.get("/v1/corpora/:corpus/documents/:doc").handler(toOwner).handler(this::getDocument);
        router.get("/v1/corpora/:corpus/status").handler(toOwner).handler(this::corpusStatus);
        router.errorHandler(
                413,
                ctx -> HttpErrors.send(
                        ctx.response(),
                        ErrorCode.TOO_LARGE,
                        "the request body is over the limit of " + config.maxUploadBytes() + " bytes"));
        HttpErrors.answerRoutingErrors(router);
        router.errorHandler(500, ctx -> Failures.answer(ctx, ctx.failure()));
        return router;
    }

    private void requireAdmin(RoutingContext ctx) {
        String token = bearer(ctx);
        decide(ctx, blocking(() -> access.requireAdmin(token, "creating a corpus")));
    }

    private void requireAnyToken(RoutingContext ctx) {
        String token = bearer(ctx);
        decide(
                ctx,
                CorpusAccess.awaitSeen(vertx, () -> blocking(() -> access.seen(token, null)))
                        .compose(v -> blocking(() -> access.authenticate(token))));
    }

    private void requireCorpusToken(RoutingContext ctx) {
        String token = bearer(ctx);
        String corpus = ctx.pathParam("corpus");
        decide(
                ctx,
                CorpusAccess.awaitSeen(vertx, () -> blocking(() -> access.seen(token, corpus)))
                        .compose(v -> blocking(() -> access.check(token, corpus))));
    }

    /** Goes on to the next handler when access is granted, answers the refusal otherwise (the lookups block). */
    private static void decide(RoutingContext ctx, Future<Optional<ErrorInfo>> refusal) {
        refusal.onComplete(result -> {
            if (result.failed()) {
                Failures.answer(ctx, result.cause());
            } else if (result.result().isEmpty()) {
                ctx.next();
            } else {
                HttpErrors.send(ctx.response(), result.result().get());
            }
        });
    }

    private void createCorpus(RoutingContext ctx) {
        String id;
        try {
            JsonNode body = Json.MAPPER.readTree(bytes(ctx.body().buffer()));
            id = body == null ? null : body.path("id").asText(null);
        } catch (IOException e) {
            HttpErrors.send(
                    ctx.response(), ErrorCode.MALFORMED_JSON, "the body must be JSON such as {\"id\": \"dickens\"}");
            return;
        }
        String token = newToken();
        Corpus corpus;
        try {
            corpus = validator.parse(
                    RecordType.CORPUS,
                    Json.write(Corpus.register(id == null ? "" : id, token, System.currentTimeMillis())));
        } catch (InvalidRecordException e) {
            HttpErrors.send(ctx.response(), e.code(), e.getMessage());
            return;
        }
        // the registry application decides (first request per id wins, on any gateway); the local check only spares
        // a request that would be refused anyway
        blocking(() -> status.corpus(corpus.id()))
                .compose(existing -> existing.isPresent()
                        ? Future.failedFuture(exists(corpus.id()))
                        : publisher.publish(topics.corpusRequests(), corpus.id(), Json.write(corpus)))
                .compose(v -> awaitCorpus(corpus.id(), System.nanoTime() + REGISTRATION_WAIT.toNanos()))
                .onSuccess(registered -> {
                    if (registered.isEmpty()) {
                        // Written, and it may still win: answering 503 would lose its token for good (a retry is
                        // refused as existing once it wins), so the client gets the token and how to find out.
                        created(
                                ctx,
                                corpus.id(),
                                token,
                                202,
                                Map.of(
                                        "status",
                                        "pending",
                                        "message",
                                        "the creation was written but the registry has not confirmed it within "
                                                + REGISTRATION_WAIT.toSeconds() + " s; this token works once it does "
                                                + "(GET /v1/corpora with it lists the corpus), and is refused if another "
                                                + "request took the id first"));
                    } else if (registered.get().tokenSha256().equals(corpus.tokenSha256())) {
                        created(ctx, corpus.id(), token, 201, Map.of());
                    } else {
                        Failures.answer(ctx, exists(corpus.id()));
                    }
                })
                .onFailure(e -> Failures.answer(ctx, e));
    }

    private static void created(RoutingContext ctx, String corpus, String token, int code, Map<String, String> more) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("corpus", corpus);
        body.put("token", token);
        body.put("documents", "/v1/corpora/" + corpus + "/documents");
        body.putAll(more);
        ctx.response()
                .setStatusCode(code)
                .putHeader("content-type", "application/json")
                .end(Json.writeString(body));
    }

    private static InvalidRecordException exists(String corpus) {
        return new InvalidRecordException(ErrorCode.CORPUS_EXISTS, "corpus '" + corpus + "' exists already");
    }

    /**
     * The corpora a token may use: every one for the admin token, its own for a corpus token (so that a client holding
     * only a token learns its corpus). Never a token or its hash.
     */
    private void listCorpora(RoutingContext ctx) {
        String token = bearer(ctx);
        blocking(() -> access.readable(token))
                .onSuccess(list -> {
                    java.util.List<Map<String, Object>> out = list.stream()
                            .map(c -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("id", c.id());
                                m.put("createdAt", c.createdAt());
                                return m;
                            })
                            .toList();
                    ctx.response()
                            .putHeader("content-type", "application/json")
                            .end(Json.writeString(Map.of("admin", access.isAdmin(token), "corpora", out)));
                })
                .onFailure(e -> Failures.answer(ctx, e));
    }

    /**
     * {@code corpus} from this instance's corpora store once it is there (so documents sent right after are not
     * refused): this request's registration, or the one that came first; empty at {@code deadline}.
     */
    private Future<Optional<Corpus>> awaitCorpus(String corpus, long deadline) {
        return blocking(() -> status.corpus(corpus)).compose(found -> {
            if (found.isPresent() || System.nanoTime() > deadline) {
                return Future.succeededFuture(found);
            }
            return vertx.timer(50).compose(t -> awaitCorpus(corpus, deadline));
        });
    }

    private void putDocument(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        String doc = ctx.pathParam("doc");
        blocking(() -> toDocument(ctx, corpus, doc))
                .compose(document -> publish(document))
                .onSuccess(document -> accepted(ctx, document))
                .onFailure(e -> Failures.answer(ctx, e));
    }

    private void deleteDocument(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        String doc = ctx.pathParam("doc");
        blocking(() -> status.document(corpus, doc))
                .compose(current -> current.filter(s -> s.op() == Op.UPSERT).isEmpty()
                        ? Future.failedFuture(new InvalidRecordException(
                                ErrorCode.UNKNOWN_DOCUMENT, "corpus '" + corpus + "' has no document '" + doc + "'"))
                        : publish(Document.delete(corpus, doc)))
                .onSuccess(document -> accepted(ctx, document))
                .onFailure(e -> Failures.answer(ctx, e));
    }

    private void listDocuments(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        blocking(() -> status.documents(corpus))
                .onSuccess(list -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end(Json.writeString(Map.of("corpus", corpus, "documents", list))))
                .onFailure(e -> Failures.answer(ctx, e));
    }

    private void getDocument(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        String doc = ctx.pathParam("doc");
        blocking(() -> status.document(corpus, doc))
                .onSuccess(found -> found.ifPresentOrElse(
                        s -> ctx.response()
                                .putHeader("content-type", "application/json")
                                .end(Json.writeString(s)),
                        () -> HttpErrors.send(
                                ctx.response(),
                                ErrorCode.UNKNOWN_DOCUMENT,
                                "corpus '" + corpus + "' has no document '" + doc + "'")))
                .onFailure(e -> Failures.answer(ctx, e));
    }

    private void corpusStatus(RoutingContext ctx) {
        String corpus = ctx.pathParam("corpus");
        blocking(() -> CorpusStatusReport.of(
                        corpus,
                        status.documents(corpus),
                        status.progress(corpus).orElse(null)))
                .onSuccess(report -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end(Json.writeString(report)))
                .onFailure(e -> Failures.answer(ctx, e));
    }

    /** Text from the body: JSON {text, title, metadata}, plain text as is, anything else through Tika. */
    private Document toDocument(RoutingContext ctx, String corpus, String doc) throws IOException {
        String contentType =
                String.valueOf(ctx.request().getHeader("content-type")).toLowerCase();
        ObjectNode node;
        if (contentType.startsWith("application/json")) {
            JsonNode body = parseJson(bytes(ctx.body().buffer()));
            if (!body.isObject()) {
                throw new InvalidRecordException(
                        ErrorCode.MALFORMED_JSON, "the body must be a JSON object such as {\"text\": \"...\"}");
            }
            node = (ObjectNode) body;
        } else {
            node = Json.MAPPER.createObjectNode();
            node.put("text", text(ctx, contentType, doc));
        }
        node.put("schemaVersion", 1);
        node.put("corpus", corpus);
        node.put("id", doc);
        node.put("op", "upsert");
        Document document = validator.parse(RecordType.DOCUMENT, Json.write(node));
        if (document.text().length() > config.maxTextChars()) {
            throw new InvalidRecordException(
                    ErrorCode.TOO_LARGE,
                    "text has " + document.text().length() + " characters, over the limit of " + config.maxTextChars());
        }
        return document;
    }

    private String text(RoutingContext ctx, String contentType, String doc) throws IOException {
        if (contentType.startsWith("multipart/form-data")) {
            if (ctx.fileUploads().isEmpty()) {
                throw new InvalidRecordException(ErrorCode.SCHEMA_VIOLATION, "a multipart upload needs one file part");
            }
            FileUpload file = ctx.fileUploads().get(0);
            return extractor.extract(
                    Files.readAllBytes(Path.of(file.uploadedFileName())), file.contentType(), file.fileName());
        }
        byte[] raw = bytes(ctx.body().buffer());
        if (contentType.startsWith("text/plain")) {
            return strictUtf8(raw);
        }
        return extractor.extract(raw, contentType.equals("null") ? null : contentType, doc);
    }

    private Future<Document> publish(Document document) {
        return publisher
                .publish(topics.documentsIn(), document.corpus(), Json.write(document))
                .map(document);
    }

    private void accepted(RoutingContext ctx, Document document) {
        String statusUrl = "/v1/corpora/" + document.corpus() + "/documents/" + document.id();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", true);
        body.put("corpus", document.corpus());
        body.put("doc", document.id());
        body.put("op", document.op().wire());
        body.put("status", statusUrl);
        ctx.response()
                .setStatusCode(202)
                .putHeader("content-type", "application/json")
                .putHeader("location", statusUrl)
                .end(Json.writeString(body));
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    private static String bearer(RoutingContext ctx) {
        return BearerToken.of(ctx.request().getHeader("authorization"));
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] bytes(Buffer buffer) {
        return buffer == null ? new byte[0] : buffer.getBytes();
    }

    private static JsonNode parseJson(byte[] raw) {
        try {
            JsonNode node = Json.MAPPER.readTree(raw);
            if (node == null) {
                throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "the body is empty");
            }
            return node;
        } catch (IOException e) {
            throw new InvalidRecordException(
                    ErrorCode.MALFORMED_JSON,
                    "the body is not JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String strictUtf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "the text is not valid UTF-8");
        }
    }
}
