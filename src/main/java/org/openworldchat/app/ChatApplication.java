package org.openworldchat.app;

import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.openworldchat.guest.GuestService;
import org.openworldchat.guest.SessionTokens;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.GuestCookie;
import org.openworldchat.http.OriginPolicy;
import org.openworldchat.http.HealthEndpoints;
import org.openworldchat.http.HttpRouter;
import org.openworldchat.http.ImagesEndpoint;
import org.openworldchat.http.UploadEndpoint;
import org.openworldchat.http.MessagesEndpoint;
import org.openworldchat.http.MetricsEndpoint;
import org.openworldchat.http.SessionEndpoint;
import org.openworldchat.http.StaticFiles;
import org.openworldchat.message.MessageExpiry;
import org.openworldchat.message.MessageService;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.presence.InMemoryPresence;
import org.openworldchat.presence.PresenceService;
import org.openworldchat.ratelimit.InMemoryRateLimiter;
import org.openworldchat.ratelimit.RateLimits;
import org.openworldchat.reaction.ReactionService;
import org.openworldchat.realtime.RealtimeServer;
import org.openworldchat.upload.LocalDiskObjectStorage;
import org.openworldchat.upload.ObjectStorage;
import org.openworldchat.upload.S3ObjectStorage;
import org.openworldchat.upload.UploadService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the server is put together, by hand, from its configuration and a clock.
 * {@link Main} uses it; the tests start the very same thing on a random port.
 */
public final class ChatApplication implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatApplication.class);
    private static final int DB_POOL_SIZE = 16;

    private final Database database;
    private final ExecutorService executor;
    private final MessageService messages;
    private final PresenceService presence;
    private final RealtimeServer realtime;
    private final ChatMetrics metrics;

    private ChatApplication(Database database, ExecutorService executor, MessageService messages,
                            PresenceService presence, RealtimeServer realtime, ChatMetrics metrics) {
        this.metrics = metrics;
        this.database = database;
        this.executor = executor;
        this.messages = messages;
        this.presence = presence;
        this.realtime = realtime;
    }

    public static ChatApplication start(AppConfig config, Clock clock) {
        byte[] secret = SessionSecret.resolve(config);
        ChatMetrics metrics = new ChatMetrics();
        Database database = Database.open(config.databaseUrl(), config.dataDir(), DB_POOL_SIZE, metrics.registry());
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        RealtimeServer realtime = new RealtimeServer(config.port(), config.maxSocketsPerIp(), executor, metrics);

        GuestService guests = new GuestService(database.jdbi(), clock);
        MessageExpiry expiry = new MessageExpiry(config.messageTtl(), clock);
        PresenceService presence = new PresenceService(new InMemoryPresence(), realtime.presenceEvents(),
                PresenceService.DEFAULT_INTERVAL);
        metrics.gauge("owc.guests.online", "Guests with a username and a joined socket", () -> presence.counts().online());
        metrics.gauge("owc.guests.watching", "Guests with a joined socket", () -> presence.counts().watching());
        RateLimits limits = new RateLimits(new InMemoryRateLimiter(config.rateLimits(), clock));
        ObjectStorage storage = objectStorage(config);
        UploadService uploads = new UploadService(database.jdbi(), storage, clock, config.publicBaseUrl(), limits);
        MessageService messages = new MessageService(database.jdbi(), clock, expiry, guests, realtime.messageEvents(),
                uploads, limits, MessageService.WriteSettings.DEFAULT);
        ReactionService reactions = new ReactionService(database.jdbi(), guests, expiry, realtime.reactionEvents(), limits);
        GuestCookie cookie = new GuestCookie(new SessionTokens(secret), config.cookieSecure());

        HealthEndpoints health = new HealthEndpoints(List.of(
                check("database", database::ping), check("images", uploads::storageAnswers)));
        OriginPolicy origins = new OriginPolicy(config.publicBaseUrl(), config.corsOrigins());
        HttpRouter router = new HttpRouter(executor, origins, metrics)
                .route(HttpMethod.GET, "/", StaticFiles.file("/index.html", "text/html; charset=utf-8"))
                .route(HttpMethod.GET, "/api/session", new SessionEndpoint(guests, cookie))
                .route(HttpMethod.GET, "/api/messages", new MessagesEndpoint(messages))
                .route(HttpMethod.POST, "/api/uploads", new UploadEndpoint(uploads, cookie, metrics),
                        UploadEndpoint.MAX_REQUEST_BYTES)
                .routePrefix(HttpMethod.GET, UploadService.PATH_PREFIX, new ImagesEndpoint(uploads))
                .route(HttpMethod.GET, "/health", health::health)
                .route(HttpMethod.GET, "/ready", health::ready)
                .route(HttpMethod.GET, "/metrics", new MetricsEndpoint(metrics));
        try {
            realtime.start(new RealtimeServer.Services(guests, messages, reactions, presence), router, cookie, origins,
                    new ClientAddress(config.trustProxy()));
        } catch (RuntimeException e) {
            presence.close();
            messages.close();
            database.close();
            metrics.close();
            throw new StartupException("cannot listen on port " + config.port() + ": " + Database.rootMessage(e), e);
        }
        return new ChatApplication(database, executor, messages, presence, realtime, metrics);
    }

    public int port() {
        return realtime.port();
    }

    /** Graceful stop: refuse new connections, let events in flight finish and their writes commit, then close. */
    @Override
    public void close() {
        log.info("stopping: no new connections");
        realtime.stopAccepting();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("events still running after 10 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        messages.close();
        presence.close();
        realtime.stop();
        database.close();
        metrics.close();
        log.info("stopped");
    }

    /** S3 when a bucket is configured, else a directory under the data directory. */
    private static ObjectStorage objectStorage(AppConfig config) {
        if (config.s3().isPresent()) {
            return new S3ObjectStorage(config.s3().get());
        }
        try {
            return new LocalDiskObjectStorage(config.dataDir().resolve("uploads"));
        } catch (IOException e) {
            throw new StartupException("cannot create " + config.dataDir().resolve("uploads") + ": " + e.getMessage(), e);
        }
    }

    private static HealthEndpoints.Check check(String name, BooleanSupplier probe) {
        return new HealthEndpoints.Check() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean ok() {
                return probe.getAsBoolean();
            }
        };
    }
}
