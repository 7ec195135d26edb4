package org.openworldchat.guest;

import java.time.Clock;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.UsernameRequiredException;

/**
 * Guests and their usernames. Knows nothing of sockets or cookies. A guest is stored at its first
 * username and not before: reading (a cookie issued, a join) stores nothing, so minting guests
 * fills no table.
 */
public final class GuestService implements AutoCloseable {

    private final GuestRepository repository;
    private final UsernamePolicy policy = new UsernamePolicy();
    private final Clock clock;
    private final KnownWriters writers = new KnownWriters(200_000);
    private final GuestTouches touches;

    public GuestService(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, BatchObserver.NONE);
    }

    /** @param batches hears about each batch of guest activity */
    public GuestService(Jdbi jdbi, Clock clock, BatchObserver batches) {
        this.repository = new GuestRepository(jdbi);
        this.clock = clock;
        this.touches = new GuestTouches(repository, clock, batches);
    }

    /** A guest whose cookie was issued just now: nothing is stored for it, nor looked up. */
    public Guest issued(UUID guestId) {
        return Guest.unnamed(guestId);
    }

    /** The guest as stored, marked active now; a guest without a row stays without one. */
    public Guest touch(UUID guestId) {
        return touches.touch(guestId);
    }

    /** The guest as stored, or one without a username when it was never stored or was deleted. */
    public Guest find(UUID guestId) {
        return repository.find(guestId).orElseGet(() -> Guest.unnamed(guestId));
    }

    /** The guest, which must have chosen a username: the gate in front of every write. */
    public Guest requireWriter(UUID guestId) {
        Guest guest = find(guestId);
        if (!guest.hasUsername()) {
            throw new UsernameRequiredException(guest.defaultUsername());
        }
        return guest;
    }

    /**
     * The gate in front of every write, without a query for a guest this node already saw with a
     * username. Returns the name last seen: messages take their sender's current name from the
     * database as they are stored (another node may have renamed the guest); this one is the fallback.
     */
    public String requireWriterName(UUID guestId) {
        String known = writers.username(guestId, clock.instant());
        if (known != null) {
            return known;
        }
        String username = requireWriter(guestId).username().orElseThrow();
        writers.remember(guestId, username, clock.instant());
        return username;
    }

    /** Chooses or changes the guest's name; the first name stores the guest. */
    public Guest setUsername(UUID guestId, String requested) {
        UsernamePolicy.Username name = policy.parse(requested);
        try {
            Guest guest = repository.setUsername(guestId, name.display(), name.keys(), clock.instant());
            guest.username().ifPresent(username -> writers.remember(guestId, username, clock.instant()));
            return guest;
        } catch (GuestRepository.UsernameConflict e) {
            throw new ChatException(ErrorCode.USERNAME_TAKEN);
        }
    }

    /** Records the activity already queued, then takes no more. */
    @Override
    public void close() {
        touches.close();
    }
}
