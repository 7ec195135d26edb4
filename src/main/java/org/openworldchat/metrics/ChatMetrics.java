package org.openworldchat.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.contract.ErrorCode;

/**
 * The server's meters, in Prometheus form at {@code GET /metrics}: what users do (messages,
 * reactions, uploads), what was refused and why, how long acks take, and the JVM and database
 * pool underneath. One instance per server, created by the wiring class.
 */
public final class ChatMetrics implements BatchObserver, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter messages;
    private final Counter reactions;
    private final Counter uploads;
    private final Counter sharedFrames;
    private final Counter encodedFrames;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ChatMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        messages = Counter.builder("owc.messages.sent").description("Messages stored and announced").register(registry);
        reactions = Counter.builder("owc.reactions").description("Reaction toggles applied").register(registry);
        uploads = Counter.builder("owc.uploads").description("Images uploaded").register(registry);
        sharedFrames = Counter.builder("owc.broadcast.deliveries").tag("encoding", "shared")
                .description("Broadcast deliveries, by whether the socket got the shared frame or its own encoding")
                .register(registry);
        encodedFrames = Counter.builder("owc.broadcast.deliveries").tag("encoding", "per_socket")
                .description("Broadcast deliveries, by whether the socket got the shared frame or its own encoding")
                .register(registry);
    }

    /** For libraries that publish their own meters (the database pool). */
    public MeterRegistry registry() {
        return registry;
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void messageSent() {
        messages.increment();
    }

    public void reactionsToggled(int toggles) {
        reactions.increment(toggles);
    }

    public void imageUploaded() {
        uploads.increment();
    }

    /** One broadcast delivered: to {@code shared} sockets as the shared frame, to {@code encoded} one by one. */
    public void broadcastDelivered(int shared, int encoded) {
        sharedFrames.increment(shared);
        encodedFrames.increment(encoded);
    }

    /** A moderation action; {@code action} is one of the audit log's fixed action names. */
    public void moderationAction(String action) {
        registry.counter("owc.moderation.actions", "action", action).increment();
    }

    /** A refusal with a contract code, on any path: an event's error, an HTTP error reply, a refused handshake. */
    public void refused(ErrorCode code) {
        registry.counter("owc.refusals", "code", code.name()).increment();
    }

    /**
     * An HTTP connection closed by the server's connection rules without an answer: its address
     * holds all its connections ({@code address_limit}), a request's head came too slowly
     * ({@code header_timeout}), or its body did ({@code slow_body}). {@code reason} is one of these
     * fixed words.
     */
    public void connectionClosed(String reason) {
        registry.counter("owc.http.connections.closed", "reason", reason).increment();
    }

    /**
     * From the moment an event arrived to the moment it was answered: a success ack
     * ({@code outcome="ok"}), or a refusal, as an error ack or an {@code ERROR} event
     * ({@code outcome="error"}). {@code event} must be a known event name or a fixed word: it
     * becomes a label, and a name a client chose would grow the series without bound.
     */
    public void acked(String event, boolean ok, Duration latency) {
        Timer.builder("owc.ack.latency")
                .description("Time from a client event's arrival to its acknowledgement")
                .tag("event", event)
                .tag("outcome", ok ? "ok" : "error")
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(30),
                        Duration.ofMillis(100))
                .register(registry)
                .record(latency);
    }

    /**
     * One batch of a write queue (messages, reactions, guest upserts): how many writes shared one
     * transaction, and how long it took, commit included. A slow disk shows here first.
     */
    @Override
    public void handled(String queue, int items, Duration took) {
        DistributionSummary.builder("owc.write.batch.size")
                .description("Writes applied together in one transaction")
                .tag("queue", queue)
                .register(registry)
                .record(items);
        Timer.builder("owc.write.batch.duration")
                .description("Time to apply one batch of writes, commit included")
                .tag("queue", queue)
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(30),
                        Duration.ofMillis(100), Duration.ofMillis(300))
                .register(registry)
                .record(took);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
