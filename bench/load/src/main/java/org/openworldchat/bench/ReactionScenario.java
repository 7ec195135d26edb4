package org.openworldchat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reactions (our server only): many guests toggle the same emoji on one hot message, closed loop.
 * Figures: toggles/s (ok acks per second of the window) and lost updates. Every ok ack is one
 * toggle of that guest, so after all acks are in, the message's reactors of the emoji must be
 * exactly the guests with an odd number of ok acks. Message objects list only the first few
 * reactors, so the stored list is read with SQL ({@code messages.reactions}, through psql and the
 * {@code database} URL); lost updates = guests on one side only, plus the difference between the
 * count the server reports ({@code reactionCounts} in GET /api/messages) and the expected number.
 */
final class ReactionScenario {
    private final Args a;
    private final Target target;
    private final Results out;
    private volatile boolean toggling;

    ReactionScenario(Args a, Target target) {
        this.a = a;
        this.target = target;
        this.out = new Results(target.label(), "reactions");
    }

    void run() throws Exception {
        int guestCount = a.integer("guests", 100);
        int inflight = a.integer("inflight", 2);
        double seconds = a.dbl("seconds", 5);
        double warmupSeconds = a.dbl("warmupSeconds", 1);
        String emoji = a.str("emoji", "\uD83D\uDD25");

        Sessions sessions = new Sessions(target);
        Sessions.Session[] ids = new Sessions.Session[guestCount + 1];
        for (int i = 0; i <= guestCount; i++) {
            ids[i] = sessions.newGuest();
        }

        Counters counters = new Counters();
        Latencies latencies = new Latencies();
        CompletableFuture<String> hotMessage = new CompletableFuture<>();
        String[] payload = {null};
        try (EventLoop loop = new EventLoop("writers", 1, 0)) {
            Opener opener = new Opener(loop, 50);
            Guest[] guests = new Guest[guestCount + 1];
            Guest.AckListener onAck = (g, packet, sentAt) -> {
                if (g.index == guestCount) { // the author's SEND_MESSAGE
                    hotMessage.complete(Acks.messageId(packet));
                    return;
                }
                if (Acks.ok(packet)) {
                    g.okAcks++;
                    counters.acked++;
                    latencies.record(System.nanoTime() - sentAt);
                } else {
                    counters.error(Acks.errorCode(packet));
                }
                if (toggling && g.inFlight() < inflight) {
                    toggle(g, payload[0], counters);
                }
            };
            int[] next = {0};
            opener.open(guestCount + 1, () -> {
                int i = next[0]++;
                Guest g = new Guest(i, opener, counters, onAck);
                guests[i] = g;
                return g.connection(loop, target, ids[i].cookie());
            });
            opener.await(guestCount + 1, 60_000);
            Guest author = guests[guestCount];
            if (!author.conn.ready) {
                out.put("error", "author not ready: " + counters.firstError + " " + counters.firstClose);
                return;
            }
            loop.execute(() -> author.send("SEND_MESSAGE", "{\"content\":\"hot message\"}"));
            String messageId = hotMessage.get(10, TimeUnit.SECONDS);
            payload[0] = "{\"messageId\":\"" + messageId + "\",\"emoji\":\"" + emoji + "\"}";

            toggling = true;
            loop.execute(() -> {
                for (int i = 0; i < guestCount; i++) {
                    if (guests[i].conn.ready) {
                        for (int k = 0; k < inflight; k++) {
                            toggle(guests[i], payload[0], counters);
                        }
                    }
                }
            });
            Thread.sleep((long) (warmupSeconds * 1000));
            long a0 = counters.acked;
            long t0 = System.nanoTime();
            latencies.reset();
            Thread.sleep((long) (seconds * 1000));
            double rate = (counters.acked - a0) / ((System.nanoTime() - t0) / 1e9);
            Latencies.Snapshot lat = latencies.snapshot();
            toggling = false;
            long unacked = WriteScenario.drain(counters);

            Set<String> expected = new HashSet<>();
            for (int i = 0; i < guestCount; i++) {
                if (guests[i].okAcks % 2 == 1) {
                    expected.add(ids[i].guestId());
                }
            }
            Set<String> stored = storedReactors(a.str("database", ""), messageId, emoji);
            int counted = reportedCount(sessions, messageId, emoji);
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(stored);
            Set<String> extra = new HashSet<>(stored);
            extra.removeAll(expected);
            int lost = missing.size() + extra.size() + Math.abs(counted - expected.size());
            out.put("guests", opener.readyCount() - 1);
            out.put("toggles_per_s", rate);
            out.put("toggles_total", counters.acked);
            out.put("ack_p50_ms", lat.millis(50));
            out.put("ack_p99_ms", lat.millis(99));
            out.put("errors", counters.ackErrors);
            out.put("unacked", unacked);
            out.put("expected_reactors", expected.size());
            out.put("stored_reactors", stored.size());
            out.put("counted_reactors", counted);
            out.put("lost_updates", lost);
            if (counters.firstError != null) {
                out.put("first_error", counters.firstError.replace(' ', '_'));
            }
            Results.log("%s: ack p50 %.1f ms, p99 %.1f ms", target.label(), lat.millis(50), lat.millis(99));
            Results.log("%s: %,.0f toggles/s by %d guests; %d toggles acked, %d errors (%s), %d unanswered; "
                    + "%d guests should hold the reaction, %d stored (SQL), %d counted (reactionCounts), %d lost updates",
                    target.label(), rate, opener.readyCount() - 1, counters.acked, counters.ackErrors, counters.firstError,
                    unacked, expected.size(), stored.size(), counted, lost);
        }
    }

    private static void toggle(Guest g, String payload, Counters counters) {
        g.send("SEND_REACTION", payload);
        counters.sent++;
    }

    /** Every guest stored as a reactor of the emoji: {@code messages.reactions}, read with psql. */
    private static Set<String> storedReactors(String database, String messageId, String emoji) throws Exception {
        if (database.isEmpty()) {
            throw new IllegalArgumentException("database=<PostgreSQL URL of the server's database> is needed to read the reactors");
        }
        // The message id comes from the server's ack (a UUID) and the emoji from this run's arguments.
        String sql = "SELECT jsonb_array_elements_text(reactions -> '" + emoji.replace("'", "''")
                + "') FROM messages WHERE id = '" + messageId + "'";
        Process psql = new ProcessBuilder("psql", database, "-qAt", "-c", sql).redirectErrorStream(true).start();
        String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (psql.waitFor() != 0) {
            throw new IOException("psql failed: " + output);
        }
        Set<String> ids = new HashSet<>();
        Matcher m = Acks.uuidPattern().matcher(output);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    /** How many guests the server says reacted with the emoji: the message's {@code reactionCounts} in GET /api/messages. */
    private static int reportedCount(Sessions sessions, String messageId, String emoji) throws Exception {
        String body = sessions.get("/api/messages?limit=100").body();
        int at = body.indexOf("\"id\":\"" + messageId + "\"");
        int counts = body.indexOf("\"reactionCounts\":{", Math.max(0, at));
        if (at < 0 || counts < 0) {
            throw new IllegalStateException("hot message not in /api/messages: " + body.substring(0, Math.min(300, body.length())));
        }
        String map = body.substring(counts, body.indexOf('}', counts));
        // Jackson writes an astral character in a key as a pair of escapes (\uD83D\uDD25).
        StringBuilder escaped = new StringBuilder();
        emoji.chars().forEach(c -> escaped.append(c < 0x80 ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        Matcher n = Pattern.compile("\"(?:" + Pattern.quote(emoji) + "|" + Pattern.quote(escaped.toString()) + ")\":(\\d+)")
                .matcher(map);
        return n.find() ? Integer.parseInt(n.group(1)) : 0;
    }
}
