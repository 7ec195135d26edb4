package org.openworldchat.app;

import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openworldchat.contract.ErrorMapper;
import org.openworldchat.guest.GuestService;
import org.openworldchat.guest.SessionTokens;
import org.openworldchat.http.AdminApi;
import org.openworldchat.http.AuditEndpoint;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.GuestCookie;
import org.openworldchat.http.HealthEndpoints;
import org.openworldchat.http.HttpRouter;
import org.openworldchat.http.ImagesEndpoint;
import org.openworldchat.http.MessagesEndpoint;
import org.openworldchat.http.MetricsEndpoint;
import org.openworldchat.http.OriginPolicy;
import org.openworldchat.http.ReactorsEndpoint;
import org.openworldchat.http.SessionEndpoint;
import org.openworldchat.http.StaticFiles;
import org.openworldchat.http.UploadEndpoint;
import org.openworldchat.message.MessageExpiry;
import org.openworldchat.message.MessageService;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.moderation.AuditLog;
import org.openworldchat.presence.PresenceService;
import org.openworldchat.ratelimit.AddressKeys;
import org.openworldchat.ratelimit.RateLimits;
import org.openworldchat.reaction.ReactionService;
import org.openworldchat.realtime.RealtimeServer;
import org.openworldchat.realtime.WireFormat;
import org.openworldchat.retention.RetentionJob;
import org.openworldchat.retention.RetentionSchedule;
import org.openworldchat.retention.RetentionScheduler;
import org.openworldchat.upload.ObjectStorage;
import org.openworldchat.upload.UploadService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the server is put together, by hand, from its configuration and a clock.
 * {@link Main} uses it; the tests start the very same thing on a random port.
 */
public final class ChatApplication implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatApplication.class);
    /** How long a stop waits for the last answers once the work behind them is done, before closing connections. */
    private static final java.time.Duration ANSWERS_WAIT = java.time.Duration.ofSeconds(2);

    private final Database database;
    private final Infrastructure infrastructure;
    private final ExecutorService executor;
    private final ExecutorService afterWrites;
    private final GuestService guests;
    private final MessageService messages;
    private final ReactionService reactions;
    private final UploadService uploads;
    private final PresenceService presence;
    private final RealtimeServer realtime;
    private final ChatMetrics metrics;
    private final RetentionJob retention;
    private final RetentionScheduler retentionScheduler;

    private ChatApplication(Database database, Infrastructure infrastructure, ExecutorService executor,
                            ExecutorService afterWrites, GuestService guests, MessageService messages, ReactionService reactions,
                            UploadService uploads, PresenceService presence,
                            RealtimeServer realtime,
                            ChatMetrics metrics, RetentionJob retention, RetentionScheduler retentionScheduler) {
        this.retention = retention;
        this.retentionScheduler = retentionScheduler;
        this.database = database;
        this.infrastructure = infrastructure;
        this.executor = executor;
        this.afterWrites = afterWrites;
        this.guests = guests;
        this.messages = messages;
        this.reactions = reactions;
        this.uploads = uploads;
        this.presence = presence;
        this.realtime = realtime;
        this.metrics = metrics;
    }

    public static ChatApplication start(AppConfig config, Clock clock) {
        // Checked before anything starts, so a bad CLEANUP_CRON stops the server with one line.
        RetentionSchedule retentionSchedule = RetentionSchedule.parse(config.cleanupCron());
        PortCheck.requireFree(config.port());
        byte[] secret = SessionSecret.resolve(config);
        ChatMetrics metrics = new ChatMetrics();
        Database database = Database.open(config.databaseUrl(), config.dataDir(), config.databasePoolSize(), metrics.registry());
        Infrastructure infrastructure;
        try {
            infrastructure = Infrastructure.create(config, clock);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        ExecutorService afterWrites = Executors.newVirtualThreadPerTaskExecutor();
        RealtimeServer realtime = new RealtimeServer(config.port(), config.maxSocketsPerIp(),
                config.maxSocketsPerIpv6Network(), config.socketConnectTimeout(), executor, metrics, infrastructure.bus(),
                config.connectionLimits());

        RateLimits limits = new RateLimits(infrastructure.limiter());
        GuestService guests = new GuestService(database.jdbi(), clock, limits, metrics);
        MessageExpiry expiry = new MessageExpiry(config.messageTtl(), clock);
        PresenceService presence = new PresenceService(infrastructure.presence(), realtime.presenceEvents(),
                PresenceService.DEFAULT_INTERVAL);
        metrics.gauge("owc.guests.online", "Guests with a username and a joined socket", () -> presence.counts().online());
        metrics.gauge("owc.guests.watching", "Guests with a joined socket", () -> presence.counts().watching());
        ObjectStorage images = infrastructure.storage();
        metrics.gauge("owc.image.store.up", "1 when the image store (the S3 bucket or the upload directory) answers, else 0",
                () -> images.ping() ? 1 : 0);
        UploadService uploads = new UploadService(database.jdbi(), images, clock, expiry,
                config.publicBaseUrl(), limits);
        MessageService messages = new MessageService(database.jdbi(), clock, expiry, guests, realtime.messageEvents(),
                uploads, limits, new MessageService.WriteSettings(config.messageWriteBatch(),
                        MessageService.WriteSettings.DEFAULT_QUEUE_CAPACITY, afterWrites, metrics), WireFormat::encodedSize);
        ReactionService reactions = new ReactionService(database.jdbi(), guests, expiry, realtime.reactionEvents(), limits,
                afterWrites, metrics);
        GuestCookie cookie = new GuestCookie(new SessionTokens(secret), config.cookieSecure());
        OriginPolicy origins = new OriginPolicy(config.publicBaseUrl(), config.corsOrigins());
        RetentionJob retention = new RetentionJob(database.jdbi(), images, expiry, clock, nodeName());

        List<HealthEndpoints.Check> checks = new ArrayList<>();
        checks.add(new HealthCheck("database", database::ping));
        checks.addAll(infrastructure.checks());
        HealthEndpoints health = new HealthEndpoints(checks);
        HttpRouter router = new HttpRouter(executor, origins, metrics)
                .route(HttpMethod.GET, "/", StaticFiles.file("/index.html", "text/html; charset=utf-8"))
                .routePrefix(HttpMethod.GET, "/css/", StaticFiles.directory("/css/"))
                .routePrefix(HttpMethod.GET, "/js/", StaticFiles.directory("/js/"))
                .routePrefix(HttpMethod.GET, "/img/", StaticFiles.directory("/img/"))
                .routePrefix(HttpMethod.GET, "/vendor/", StaticFiles.directory("/vendor/"))
                .route(HttpMethod.GET, "/api/session", new SessionEndpoint(guests, cookie))
                .route(HttpMethod.GET, "/api/messages", new MessagesEndpoint(messages, cookie))
                .routeAround(HttpMethod.GET, ReactorsEndpoint.PREFIX, ReactorsEndpoint.SUFFIX, new ReactorsEndpoint(reactions))
                .route(HttpMethod.POST, "/api/uploads", new UploadEndpoint(uploads, cookie, metrics),
                        UploadEndpoint.MAX_REQUEST_BYTES)
                .routePrefix(HttpMethod.GET, UploadService.PATH_PREFIX, new ImagesEndpoint(uploads))
                .routeInline(HttpMethod.GET, "/health", health::health)
                .route(HttpMethod.GET, "/ready", health::ready)
                .route(HttpMethod.GET, "/metrics", new MetricsEndpoint(metrics))
                .routeTree(AdminApi.PREFIX, moderationApi(config, limits, new AuditLog(database.jdbi(), clock, metrics)),
                        AdminApi.MAX_BODY);
        try {
            realtime.start(new RealtimeServer.Services(guests, messages, reactions, presence), router, cookie, origins,
                    new ClientAddress(config.trustProxy(), new AddressKeys(secret)));
        } catch (RuntimeException e) {
            presence.close();
            messages.close();
            reactions.close();
            uploads.close();
            guests.close();
            infrastructure.close();
            database.close();
            metrics.close();
            throw new StartupException("PORT: cannot listen on port " + config.port() + ": " + ErrorMapper.rootMessage(e), e);
        }
        RetentionScheduler retentionScheduler = new RetentionScheduler(retentionSchedule, clock, retention);
        retentionScheduler.start();
        return new ChatApplication(database, infrastructure, executor, afterWrites, guests, messages, reactions, uploads,
                presence, realtime, metrics,
                retention, retentionScheduler);
    }

    /** The moderation API's routes; without {@code ADMIN_TOKENS} every one of them is 404. */
    private static AdminApi moderationApi(AppConfig config, RateLimits limits, AuditLog audit) {
        return new AdminApi(config.adminTokens(), limits)
                .route(HttpMethod.GET, AdminApi.PREFIX + "audit", new AuditEndpoint(audit));
    }

    public int port() {
        return realtime.port();
    }

    /** The retention job, to run it outside its schedule (tests, operators). */
    public RetentionJob retention() {
        return retention;
    }

    /**
     * Graceful stop: refuse new connections and new events, let the events in flight finish and
     * their writes commit, send their answers, then close.
     */
    @Override
    public void close() {
        log.info("stopping: no new connections");
        realtime.stopAccepting();
        long inFlight = realtime.eventsInFlight();
        log.atInfo().addKeyValue("eventsInFlight", inFlight).log("stopping: new events refused, answering those in flight");
        retentionScheduler.close();
        awaitStop(executor, "events");
        uploads.close();
        messages.close();
        reactions.close();
        // The writers have answered everything queued; these send the acks.
        awaitStop(afterWrites, "acks of stored writes");
        log.atInfo().addKeyValue("eventsInFlight", inFlight).addKeyValue("unanswered", realtime.awaitAnswered(ANSWERS_WAIT))
                .log("stopping: events in flight answered");
        guests.close();
        presence.close();
        realtime.stop();
        infrastructure.close();
        database.close();
        metrics.close();
        log.info("stopped");
    }

    private static void awaitStop(ExecutorService workers, String what) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.atWarn().addKeyValue("work", what).log("still running after 10 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Names this process where nodes share a table ({@code retention_runs}): the host, the process
     * and a random part, since several servers can run in one process (tests) or on one host.
     */
    private static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
