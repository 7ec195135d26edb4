package org.openworldchat.guest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** SQL for {@code guest_users}. */
final class GuestRepository {

    /** Thrown when a username collides with another guest's (case or confusable). */
    static final class UsernameConflict extends RuntimeException {
        UsernameConflict(Throwable cause) {
            super(cause);
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private final Jdbi jdbi;

    GuestRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The guests, each created on first sight, with {@code last_active_at} moved to {@code now}, in
     * one statement. Rows are locked in id order, so two nodes touching overlapping guests at once
     * wait for each other instead of deadlocking.
     */
    Map<UUID, Guest> touchAll(Collection<UUID> guestIds, Instant now) {
        List<UUID> ids = List.copyOf(guestIds);
        List<UUID> rowIds = ids.stream().map(id -> UUID.randomUUID()).toList();
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO guest_users (id, guest_id, last_active_at, created_at)
                        SELECT t.id, t.guest_id, :now, :now
                        FROM unnest(:ids, :guestIds) AS t(id, guest_id)
                        ORDER BY t.guest_id
                        ON CONFLICT (guest_id) DO UPDATE SET last_active_at = EXCLUDED.last_active_at
                        RETURNING guest_id, username""")
                .bindArray("ids", UUID.class, rowIds)
                .bindArray("guestIds", UUID.class, ids)
                .bind("now", utc(now))
                .map((rs, ctx) -> map(rs))
                .collect(Collectors.toMap(Guest::guestId, guest -> guest)));
    }

    Optional<Guest> find(UUID guestId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT guest_id, username FROM guest_users WHERE guest_id = :guestId")
                .bind("guestId", guestId)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    /**
     * Gives the guest a username and its confusable keys in one transaction; a clash on the
     * lower-case name or on any key is a {@link UsernameConflict}.
     */
    Guest setUsername(UUID guestId, String username, Set<String> keys, Instant now) {
        try {
            return jdbi.inTransaction(h -> {
                Guest guest = h.createQuery("""
                                INSERT INTO guest_users (id, guest_id, username, last_active_at, created_at)
                                VALUES (:id, :guestId, :username, :now, :now)
                                ON CONFLICT (guest_id) DO UPDATE SET username = EXCLUDED.username,
                                    last_active_at = EXCLUDED.last_active_at
                                RETURNING guest_id, username""")
                        .bind("id", UUID.randomUUID())
                        .bind("guestId", guestId)
                        .bind("username", username)
                        .bind("now", utc(now))
                        .map((rs, ctx) -> map(rs))
                        .one();
                h.createUpdate("DELETE FROM guest_username_keys WHERE guest_id = :guestId")
                        .bind("guestId", guestId).execute();
                h.createUpdate("INSERT INTO guest_username_keys (key, guest_id) SELECT k, :guestId FROM unnest(:keys) AS k")
                        .bind("guestId", guestId)
                        .bindArray("keys", String.class, List.copyOf(keys))
                        .execute();
                return guest;
            });
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw new UsernameConflict(e);
            }
            throw e;
        }
    }

    private static Guest map(ResultSet rs) throws SQLException {
        return new Guest(rs.getObject("guest_id", UUID.class), Optional.ofNullable(rs.getString("username")));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
