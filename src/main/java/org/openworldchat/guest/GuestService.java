package org.openworldchat.guest;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.contract.UsernameRequiredException;
import org.openworldchat.ratelimit.AddressKey;
import org.openworldchat.ratelimit.RateLimits;

/**
 * Guests and their usernames. Knows nothing of sockets or cookies. A guest is stored at its first
 * username and not before: reading (a cookie issued, a join) stores nothing, so minting guests
 * fills no table, and a first name is what the per-address limit on new guests counts.
 */
public final class GuestService implements AutoCloseable {

    private final GuestRepository repository;
    private final UsernamePolicy policy = new UsernamePolicy();
    private final Clock clock;
    private final RateLimits limits;
    private final KnownWriters writers = new KnownWriters(200_000);
    private final GuestTouches touches;

    /** @param batches hears about each batch of guest activity */
    public GuestService(Jdbi jdbi, Clock clock, RateLimits limits, BatchObserver batches) {
        this.repository = new GuestRepository(jdbi);
        this.clock = clock;
        this.limits = limits;
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

    /**
     * Chooses or changes the guest's name, from {@code address}. A first name stores the guest and
     * counts toward the address's new guests; a change counts toward the guest's and the address's
     * changes. Only what succeeds counts: the same name again changes nothing and is not counted,
     * and a refused name gives its permits back.
     */
    public Guest setUsername(UUID guestId, AddressKey address, String requested) {
        UsernamePolicy.Username name = policy.parse(requested);
        Optional<String> current = find(guestId).username();
        if (current.isPresent() && current.get().equals(name.display())) {
            return new Guest(guestId, current);
        }
        List<RateLimits.Taken> taken = current.isEmpty()
                ? List.of(limits.take(RateLimit.ADDRESS_NEW_GUEST, address, 1))
                : takeChange(guestId, address);
        try {
            Guest guest = repository.setUsername(guestId, name.display(), name.keys(), clock.instant());
            guest.username().ifPresent(username -> writers.remember(guestId, username, clock.instant()));
            return guest;
        } catch (GuestRepository.UsernameConflict e) {
            taken.forEach(RateLimits.Taken::giveBack);
            throw new ChatException(ErrorCode.USERNAME_TAKEN);
        } catch (RuntimeException e) {
            taken.forEach(RateLimits.Taken::giveBack);
            throw e;
        }
    }

    /** One change from the guest's allowance and one from its address's, or neither. */
    private List<RateLimits.Taken> takeChange(UUID guestId, AddressKey address) {
        RateLimits.Taken ofGuest = limits.take(RateLimit.USERNAME_CHANGE, guestId, 1);
        try {
            return List.of(ofGuest, limits.take(RateLimit.ADDRESS_USERNAME_CHANGE, address, 1));
        } catch (RuntimeException refused) {
            ofGuest.giveBack();
            throw refused;
        }
    }

    /** Records the activity already queued, then takes no more. */
    @Override
    public void close() {
        touches.close();
    }
}
