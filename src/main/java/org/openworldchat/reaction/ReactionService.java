package org.openworldchat.reaction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.guest.GuestService;
import org.openworldchat.message.MessageExpiry;
import org.openworldchat.ratelimit.RateLimits;

/** Emoji reactions: toggling a guest's reaction on an unexpired message, and announcing the new map. */
public final class ReactionService {

    public static final int MAX_EMOJIS_PER_MESSAGE = 20;
    private static final TypeReference<LinkedHashMap<String, List<UUID>>> REACTIONS = new TypeReference<>() {
    };

    /** The message's reactions after a toggle. */
    public record Toggled(UUID messageId, Map<String, List<UUID>> reactions) {
    }

    private final ReactionRepository repository;
    private final RateLimits limits;
    private final GuestService guests;
    private final MessageExpiry expiry;
    private final ReactionEvents events;
    private final EmojiPolicy emojis = new EmojiPolicy();
    private final ObjectMapper json = new ObjectMapper();

    public ReactionService(Jdbi jdbi, GuestService guests, MessageExpiry expiry, ReactionEvents events,
                           RateLimits limits) {
        this.repository = new ReactionRepository(jdbi);
        this.limits = limits;
        this.guests = guests;
        this.expiry = expiry;
        this.events = events;
    }

    public Toggled toggle(UUID guestId, UUID messageId, String emoji) {
        limits.check(RateLimit.REACTION, guestId);
        guests.requireWriter(guestId);
        String canonical = emojis.canonical(emoji).orElseThrow(() -> new ChatException(ErrorCode.INVALID_EMOJI));
        String stored = repository.toggle(messageId, canonical, guestId, expiry.cutoff(), MAX_EMOJIS_PER_MESSAGE)
                .orElseThrow(() -> repository.exists(messageId, expiry.cutoff())
                        ? new ChatException(ErrorCode.TOO_MANY_REACTIONS)
                        : new ChatException(ErrorCode.MESSAGE_NOT_FOUND));
        Toggled result = new Toggled(messageId, parse(stored));
        events.reactionsChanged(messageId, result.reactions());
        return result;
    }

    private Map<String, List<UUID>> parse(String stored) {
        try {
            return json.readValue(stored, REACTIONS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("messages.reactions holds invalid JSON", e);
        }
    }
}
