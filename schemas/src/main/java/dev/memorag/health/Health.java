package dev.memorag.health;

import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The health of one process, as its long-running loops report it: each loop (a consumer poll loop, the memorizer, a
 * Streams application, the Flink job, reply delivery…) holds a {@link Part} and says when it works, when it cannot
 * work for now, and when it has stopped for good. Liveness ({@code /health}) fails once any part has failed for good,
 * so that the process is restarted; readiness ({@code /ready}) holds only while every part is up.
 */
public final class Health {
    public enum State {
        /** Registered, not working yet (joining a group, catching up, restoring). */
        STARTING,
        /** Working. */
        UP,
        /** Alive but not working for now (a dependency is unavailable, a job is restarting); may recover. */
        DEGRADED,
        /** Stopped for good: the process must be restarted. */
        FAILED
    }

    /** A part's state, why, and since when (epoch millis). */
    public record Status(State state, String detail, long since) {}

    private final Clock clock;
    private final Map<String, Status> parts = new TreeMap<>();
    private final CompletableFuture<String> failure = new CompletableFuture<>();

    public Health() {
        this(Clock.systemUTC());
    }

    public Health(Clock clock) {
        this.clock = clock;
    }

    /** Registers a part, {@link State#STARTING}. Names are dotted by process part: {@code worker.chunks}. */
    public Part part(String name) {
        set(name, State.STARTING, "starting");
        return new Part(name);
    }

    /** Every part's status, by name. */
    public synchronized Map<String, Status> parts() {
        return Collections.unmodifiableMap(new TreeMap<>(parts));
    }

    /** False once any part has failed for good. */
    public boolean live() {
        return !failure.isDone();
    }

    /** True while every part is up. */
    public synchronized boolean ready() {
        return parts.values().stream().allMatch(s -> s.state() == State.UP);
    }

    /** Completes with the first failure ("part: reason"); never completes while the process is healthy. */
    public CompletableFuture<String> failure() {
        return failure.copy();
    }

    /** Runs {@code listener} once with the first failure. */
    public void onFailure(Consumer<String> listener) {
        failure.thenAccept(listener);
    }

    /** The failed parts, "name: reason" each. */
    public synchronized List<String> failed() {
        return parts.entrySet().stream()
                .filter(e -> e.getValue().state() == State.FAILED)
                .map(e -> e.getKey() + ": " + e.getValue().detail())
                .toList();
    }

    /** The body of {@code /health}: UP or DOWN, the failed parts, every part's status. */
    public Map<String, Object> livenessReport() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("status", live() ? "UP" : "DOWN");
        if (!live()) {
            body.put("failed", failed());
            body.put("error", ErrorInfo.of(ErrorCode.INTERNAL, "stopped for good: " + String.join("; ", failed())));
        }
        body.put("parts", parts());
        return body;
    }

    /** The body of {@code /ready}: READY or NOT_READY and every part's status. */
    public Map<String, Object> readinessReport() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        boolean ready = ready();
        body.put("status", ready ? "READY" : "NOT_READY");
        if (!ready) {
            String waiting = parts().entrySet().stream()
                    .filter(e -> e.getValue().state() != State.UP)
                    .map(e -> e.getKey() + " " + e.getValue().state() + " ("
                            + e.getValue().detail() + ")")
                    .collect(java.util.stream.Collectors.joining("; "));
            body.put("error", ErrorInfo.of(ErrorCode.UNAVAILABLE, "not ready: " + waiting));
        }
        body.put("parts", parts());
        return body;
    }

    private void set(String name, State state, String detail) {
        synchronized (this) {
            Status current = parts.get(name);
            if (current != null && current.state() == State.FAILED) {
                return; // failed for good stays failed
            }
            if (current == null || current.state() != state || !current.detail().equals(detail)) {
                parts.put(name, new Status(state, detail, clock.millis()));
            }
        }
        if (state == State.FAILED) {
            failure.complete(name + ": " + detail);
        }
    }

    /** One loop's handle on the process health. */
    public final class Part {
        private final String name;

        private Part(String name) {
            this.name = name;
        }

        public void up() {
            set(name, State.UP, "working");
        }

        public void degraded(String why) {
            set(name, State.DEGRADED, why);
        }

        public void failed(String why) {
            set(name, State.FAILED, why);
        }

        public void failed(Throwable cause) {
            failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }

        public Optional<Status> status() {
            return Optional.ofNullable(parts().get(name));
        }

        public String name() {
            return name;
        }
    }
}
