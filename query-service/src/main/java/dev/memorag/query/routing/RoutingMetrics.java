package dev.memorag.query.routing;

import dev.memorag.schemas.AnswerEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Question rate, outcome and latency as the router sees them: every channel (HTTP, SSE, WebSocket, Kafka) passes
 * through it, so one place measures them all.
 */
final class RoutingMetrics {
    private final MeterRegistry registry;
    private final Counter routed;
    private final Timer firstEvent;

    RoutingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.routed = Counter.builder("memorag.questions.routed")
                .description("questions sent to workers")
                .register(registry);
        this.firstEvent = Timer.builder("memorag.questions.first.event")
                .description("from routing a question to its first answer event")
                .publishPercentileHistogram()
                .register(registry);
    }

    void routed() {
        routed.increment();
    }

    void firstEvent(long routedAtNanos) {
        firstEvent.record(Duration.ofNanos(System.nanoTime() - routedAtNanos));
    }

    void finished(AnswerEvent event, long routedAtNanos) {
        String outcome = event.type() == AnswerEvent.Type.DONE
                ? "done"
                : event.error().code().toLowerCase();
        Timer.builder("memorag.questions.answered")
                .description("from routing a question to its last event")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - routedAtNanos));
    }
}
