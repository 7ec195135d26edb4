package org.openworldchat.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.app.ConfigException;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.message.MessageExpiry;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;
import org.openworldchat.upload.LocalDiskObjectStorage;
import org.slf4j.LoggerFactory;

/**
 * The retention job on the real server: its database, its local-disk image store (the image
 * tests come from {@link ImageRetentionContract}) and a clock the tests move forward.
 */
class RetentionTest extends ImageRetentionContract {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Override
    TestApp app() {
        return app;
    }

    @Override
    boolean stored(String key) {
        return Files.exists(app.dataDir().resolve("uploads").resolve(key));
    }

    @Test
    void expiredMessagesAreDeletedFreshOnesStayAndRepliesLoseTheirParent() throws Exception {
        try (ChatClient writer = app.writer("ret_msgs")) {
            String parent = writer.send("soon gone").get("id").asText();
            app.clock().advance(Duration.ofHours(2));
            String reply = ChatClient.ok(writer.emit("SEND_MESSAGE",
                    Map.of("content", "still here", "replyToMessageId", parent))).get("message").get("id").asText();
            // The parent is now 24 h 1 s old, the reply 22 h 1 s.
            app.clock().advance(Duration.ofHours(22).plusSeconds(1));
            String fresh = writer.send("brand new").get("id").asText();

            RetentionReport report = app.retention().runOnce().orElseThrow();

            assertThat(report.messages()).isGreaterThanOrEqualTo(1);
            assertThat(messageExists(parent)).as("expired").isFalse();
            assertThat(messageExists(reply)).as("not expired").isTrue();
            assertThat(messageExists(fresh)).as("not expired").isTrue();
            assertThat(Rows.value(app, UUID.class, "SELECT reply_to_message_id FROM messages WHERE id = ?::uuid", reply))
                    .as("the reply's parent is gone (ON DELETE SET NULL)").isNull();
        }
    }

    @Test
    void expiredMessagesBeyondOneBatchAllGo() throws Exception {
        Instant now = app.clock().instant();
        int expired = 2 * BatchedDelete.BATCH_SIZE + 500;
        UUID old = Rows.insertMessages(app, expired, now.minus(Duration.ofHours(25)));
        UUID recent = Rows.insertMessages(app, 10, now.minus(Duration.ofHours(23)));

        RetentionReport report = app.retention().runOnce().orElseThrow();

        assertThat(report.messages()).isGreaterThanOrEqualTo(expired);
        assertThat(report.largestBatch()).as("no statement removes more than a batch").isEqualTo(BatchedDelete.BATCH_SIZE);
        assertThat(report.batches()).as("statements that removed rows").isGreaterThanOrEqualTo(3);
        assertThat(Rows.count(app, "SELECT count(*) FROM messages WHERE sender_id = ?", old)).isZero();
        assertThat(Rows.count(app, "SELECT count(*) FROM messages WHERE sender_id = ?", recent)).isEqualTo(10);
    }

    @Test
    void everyStatementRemovesAtMostABatchAndTheRunLogsWhatWent() throws Exception {
        int batch = 40;
        Instant now = app.clock().instant();
        int expiredMessages = 5 * batch + 7;
        UUID old = Rows.insertMessages(app, expiredMessages, now.minus(Duration.ofHours(25)));
        UUID recent = Rows.insertMessages(app, 3, now.minus(Duration.ofHours(23)));
        int inactiveGuests = 2 * batch + 1;
        String prefix = "batch_" + System.nanoTime() % 100_000 + "_";
        Rows.insertGuests(app, inactiveGuests, prefix, now.minus(Duration.ofDays(31)));
        // The job of the app under test, with a batch small enough to need several statements.
        DatabaseUrl db = app.database();
        RetentionJob job = new RetentionJob(Jdbi.create(() -> TestDatabases.connect(db)),
                new LocalDiskObjectStorage(app.dataDir().resolve("uploads")),
                new MessageExpiry(Duration.ofHours(24), app.clock()), app.clock(), "batch-test", batch);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(RetentionJob.class);
        logger.addAppender(logs);
        RetentionReport report;
        try {
            report = job.runOnce().orElseThrow();
        } finally {
            logger.detachAppender(logs);
        }

        assertThat(report.messages()).isGreaterThanOrEqualTo(expiredMessages);
        assertThat(report.guests()).isGreaterThanOrEqualTo(inactiveGuests);
        assertThat(report.largestBatch()).as("no statement removes more than a batch").isEqualTo(batch);
        assertThat(report.batches()).as("statements that removed rows")
                .isGreaterThanOrEqualTo((expiredMessages + batch - 1) / batch + (inactiveGuests + batch - 1) / batch);
        assertThat(Rows.count(app, "SELECT count(*) FROM messages WHERE sender_id = ?", old)).isZero();
        assertThat(Rows.count(app, "SELECT count(*) FROM messages WHERE sender_id = ?", recent)).isEqualTo(3);
        assertThat(Rows.count(app, "SELECT count(*) FROM guest_users WHERE username LIKE ?", prefix + "%")).isZero();

        List<ILoggingEvent> finished = logs.list.stream()
                .filter(e -> e.getFormattedMessage().equals("retention run finished")).toList();
        assertThat(finished).hasSize(1);
        ILoggingEvent line = finished.getFirst();
        assertThat(line.getLevel()).isEqualTo(Level.INFO);
        Map<String, Object> fields = new HashMap<>();
        line.getKeyValuePairs().forEach(kv -> fields.put(kv.key, kv.value));
        assertThat(fields).containsEntry("messages", report.messages())
                .containsEntry("images", report.images())
                .containsEntry("guests", report.guests())
                .containsEntry("batches", report.batches())
                .containsEntry("largestBatch", batch)
                .containsKey("durationMs");
    }

    @Test
    void guestsInactiveFor30DaysAreDeletedAndTheirUsernamesFreed() throws Exception {
        String suffix = Long.toString(System.nanoTime() % 100_000);
        String oldName = "ret_old_" + suffix;
        String activeName = "ret_active_" + suffix;
        // Sockets that never join: their end records no activity, so the clock alone decides.
        try (ChatClient old = app.client()) {
            old.setUsername(oldName);
        }
        UUID oldGuest = guestNamed(oldName);
        app.clock().advance(Duration.ofDays(20));
        try (ChatClient active = app.client()) {
            active.setUsername(activeName);
        }
        app.clock().advance(Duration.ofDays(10).plusSeconds(1));

        RetentionReport report = app.retention().runOnce().orElseThrow();

        assertThat(report.guests()).isGreaterThanOrEqualTo(1);
        assertThat(Rows.count(app, "SELECT count(*) FROM guest_users WHERE guest_id = ?", oldGuest)).isZero();
        assertThat(Rows.count(app, "SELECT count(*) FROM guest_username_keys WHERE guest_id = ?", oldGuest)).isZero();
        assertThat(Rows.count(app, "SELECT count(*) FROM guest_users WHERE username = ?", activeName)).isEqualTo(1);
        try (ChatClient newcomer = app.client()) {
            assertThat(newcomer.setUsername(oldName).get("username").asText()).as("the name is free again").isEqualTo(oldName);
            assertThat(ChatClient.errorCode(newcomer.emit("SET_USERNAME", Map.of("username", activeName))))
                    .as("an active guest keeps its name").isEqualTo("USERNAME_TAKEN");
        }
    }

    /**
     * Earlier versions stored a row for every reader; now a guest is stored at its first
     * SET_USERNAME. The rows that never got a name hold nothing, and go at the next run, however
     * recently active.
     */
    @Test
    void guestsThatNeverChoseANameAreDeleted() throws Exception {
        UUID reader = UUID.randomUUID();
        try (Connection c = app.sql(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO guest_users (id, guest_id, username, last_active_at, created_at)
                VALUES (gen_random_uuid(), ?, NULL, ?, ?)""")) {
            ps.setObject(1, reader);
            ps.setObject(2, app.clock().instant().atOffset(ZoneOffset.UTC));
            ps.setObject(3, app.clock().instant().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        String name = "ret_named_" + System.nanoTime() % 100_000;
        try (ChatClient named = app.client()) {
            named.setUsername(name);
        }

        RetentionReport report = app.retention().runOnce().orElseThrow();

        assertThat(report.guests()).isGreaterThanOrEqualTo(1);
        assertThat(Rows.count(app, "SELECT count(*) FROM guest_users WHERE guest_id = ?", reader)).isZero();
        assertThat(Rows.count(app, "SELECT count(*) FROM guest_users WHERE username = ?", name)).isEqualTo(1);
    }

    @Test
    void aGuestWhoseSocketStayedOpenForWeeksIsKept() throws Exception {
        String name = "ret_reader_" + System.nanoTime() % 100_000;
        UUID guest;
        try (ChatClient reader = app.writer(name)) {
            guest = guestNamed(name);
            app.clock().advance(Duration.ofDays(31));
        } // the reader leaves after 31 days in the chat
        Instant left = app.clock().instant();
        await().atMost(Duration.ofSeconds(10)).until(() -> !lastActiveAt(guest).isBefore(left.minusSeconds(1)));

        app.retention().runOnce().orElseThrow();

        assertThat(Rows.value(app, String.class, "SELECT username FROM guest_users WHERE guest_id = ?", guest))
                .isEqualTo(name);
    }

    @Test
    void twoNodesRunningTheSameSlotDoItOnce() throws Exception {
        DatabaseUrl db = TestDatabases.create();
        MutableClock clock = new MutableClock();
        try (TestApp one = TestApp.start(db, clock, Map.of()); TestApp two = TestApp.start(db, clock, Map.of())) {
            UUID sender = Rows.insertMessages(one, 30, clock.instant().minus(Duration.ofHours(25)));
            // A past slot, which the nodes' own schedulers never run.
            Instant slot = clock.instant().truncatedTo(ChronoUnit.HOURS);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Optional<RetentionReport>>> runs = List.of(one, two).stream()
                    .map(node -> CompletableFuture.supplyAsync(() -> {
                        awaitQuietly(go);
                        return node.retention().runSlot(slot);
                    }))
                    .toList();
            go.countDown();
            List<RetentionReport> done = runs.stream()
                    .map(run -> run.orTimeout(30, TimeUnit.SECONDS).join())
                    .flatMap(Optional::stream)
                    .toList();

            assertThat(done).as("one node did the work").hasSize(1);
            assertThat(done.getFirst().messages()).isEqualTo(30);
            assertThat(Rows.count(one, "SELECT count(*) FROM messages WHERE sender_id = ?", sender)).isZero();
            assertThat(Rows.count(one, "SELECT count(*) FROM retention_runs WHERE scheduled_for = ?", slot)).isEqualTo(1);
            assertThat(Rows.value(one, Long.class,
                    "SELECT messages FROM retention_runs WHERE scheduled_for = ? AND finished_at IS NOT NULL", slot))
                    .as("the slot's row says what was done").isEqualTo(30);
            assertThat(one.retention().runSlot(slot)).as("a slot runs once").isEmpty();
            assertThat(two.retention().runSlot(slot)).as("a slot runs once").isEmpty();
        } finally {
            TestDatabases.drop(db);
        }
    }

    @Test
    void noRunStartsWhileAnotherHoldsTheLock() throws Exception {
        UUID sender = Rows.insertMessages(app, 5, app.clock().instant().minus(Duration.ofHours(25)));
        try (Connection other = app.sql()) {
            other.createStatement().execute("SELECT pg_advisory_lock(" + RetentionRuns.LOCK + ")");
            assertThat(app.retention().runOnce()).as("another run is in progress").isEmpty();
            assertThat(Rows.count(app, "SELECT count(*) FROM messages WHERE sender_id = ?", sender)).isEqualTo(5);
            other.createStatement().execute("SELECT pg_advisory_unlock(" + RetentionRuns.LOCK + ")");
            assertThat(app.retention().runOnce()).isPresent();
        }
        assertThat(Rows.count(app, "SELECT count(*) FROM messages WHERE sender_id = ?", sender)).isZero();
    }

    @Test
    void anInvalidCleanupCronStopsTheStart() {
        assertThatThrownBy(() -> TestApp.start(Map.of("CLEANUP_CRON", "every hour")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("CLEANUP_CRON: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static boolean messageExists(String id) throws Exception {
        return Rows.count(app, "SELECT count(*) FROM messages WHERE id = ?::uuid", id) == 1;
    }

    private static Instant lastActiveAt(UUID guest) throws Exception {
        return Rows.value(app, OffsetDateTime.class, "SELECT last_active_at FROM guest_users WHERE guest_id = ?", guest)
                .toInstant();
    }

    private static UUID guestNamed(String username) throws Exception {
        return Rows.value(app, UUID.class, "SELECT guest_id FROM guest_users WHERE username = ?", username);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
