package org.openworldchat.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.openworldchat.support.TestApp;

/** The retention tests look at the tables themselves, as an operator would. */
final class Rows {

    private Rows() {
    }

    static long count(TestApp app, String sql, Object... params) throws SQLException {
        return value(app, Long.class, sql, params);
    }

    /** The first column of the first row (null when the value is null); fails when there is no row. */
    static <T> T value(TestApp app, Class<T> type, String sql, Object... params) throws SQLException {
        try (Connection c = app.sql(); PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new AssertionError("no row for " + sql);
            }
            return rs.getObject(1, type);
        }
    }

    /** {@code count} messages from one sender, created at {@code createdAt}; returns the sender's id. */
    static UUID insertMessages(TestApp app, int count, Instant createdAt) throws SQLException {
        UUID sender = UUID.randomUUID();
        try (Connection c = app.sql(); PreparedStatement ps = prepare(c, """
                INSERT INTO messages (id, content, sender_id, sender_name, created_at)
                SELECT gen_random_uuid(), 'bulk ' || i, ?, 'bulk', ? FROM generate_series(1, ?) AS i""",
                sender, createdAt, count)) {
            ps.executeUpdate();
        }
        return sender;
    }

    /** {@code count} guests named {@code prefix}1, {@code prefix}2, ..., last active at {@code lastActiveAt}. */
    static void insertGuests(TestApp app, int count, String prefix, Instant lastActiveAt) throws SQLException {
        try (Connection c = app.sql(); PreparedStatement ps = prepare(c, """
                INSERT INTO guest_users (id, guest_id, username, last_active_at, created_at)
                SELECT gen_random_uuid(), gen_random_uuid(), ? || i, ?, ? FROM generate_series(1, ?) AS i""",
                prefix, lastActiveAt, lastActiveAt, count)) {
            ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i] instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC) : params[i];
            ps.setObject(i + 1, p);
        }
        return ps;
    }
}
