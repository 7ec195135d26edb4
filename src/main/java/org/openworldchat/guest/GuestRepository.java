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
     * Moves {@code last_active_at} of those of the guests that are stored to {@code now}, in one
     * statement, and returns them; a guest that never chose a name has no row and gets none here
     * (reading stores nothing). Rows are locked in id order, so two nodes touching overlapping
     * guests at once wait for each other instead of deadlocking.
     */
    Map<UUID, Guest> markActive(Collection<UUID> guestIds, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE guest_users AS g SET last_active_at = :now
                        FROM (SELECT id FROM guest_users WHERE guest_id = ANY(:guestIds) ORDER BY guest_id FOR UPDATE) AS locked
                        WHERE g.id = locked.id
                        RETURNING g.guest_id, g.username""")
                .bindArray("guestIds", UUID.class, List.copyOf(guestIds))
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
     * Gives the guest a username and its confusable keys in one transaction, storing the guest
     * when this is its first name; a clash on the lower-case name or on any key is a
     * {@link UsernameConflict}.
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
