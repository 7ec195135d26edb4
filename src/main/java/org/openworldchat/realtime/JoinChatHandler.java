package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openworldchat.guest.Guest;
import org.openworldchat.guest.GuestService;
import org.openworldchat.message.MessagePage;
import org.openworldchat.message.MessageService;
import org.openworldchat.presence.Presence;
import org.openworldchat.presence.PresenceService;

/** {@code JOIN_CHAT {since?}}: start receiving broadcasts, get who you are, the counts and history. */
final class JoinChatHandler implements EventHandler {

    /** The contract version this server speaks, told in every JOIN_CHAT answer. */
    static final int PROTOCOL_VERSION = 2;

    private final GuestService guests;
    private final MessageService messages;
    private final PresenceService presence;

    JoinChatHandler(GuestService guests, MessageService messages, PresenceService presence) {
        this.guests = guests;
        this.messages = messages;
        this.presence = presence;
    }

    @Override
    public CompletionStage<Map<String, Object>> handle(SocketContext socket, JsonNode payload) {
        Optional<UUID> since = Payload.optional(payload).reference("since").flatMap(id -> id);
        Guest guest = guests.touch(socket.guestId());
        // Join before reading history: a message stored meanwhile arrives twice rather than never.
        socket.joinChat();
        presence.join(socket.socketId(), guest.guestId(), guest.hasUsername());
        if (socket.isClosed()) {
            // The socket closed while this join waited for the database, and its disconnect found
            // nothing to remove: undo the join, or a guest who left stays counted for good.
            presence.leave(socket.socketId());
            socket.leaveChat();
        } else if (!guest.hasUsername() && guests.find(guest.guestId()).hasUsername()) {
            // Another tab chose the name after this join read the guest, while this socket was not
            // in presence yet, so that activation missed it.
            presence.activate(guest.guestId());
        }
        MessagePage history = messages.historyForJoin(since, guest.guestId());
        Presence.Counts counts = presence.countsToTell();
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("protocolVersion", PROTOCOL_VERSION);
        ack.put("guestId", guest.guestId().toString());
        ack.put("username", guest.username().orElse(null));
        ack.put("defaultUsername", guest.defaultUsername());
        ack.put("onlineCount", counts.online());
        ack.put("watchingCount", counts.watching());
        ack.put("messages", WireFormat.messages(history.messages()));
        ack.put("hasMore", history.hasMore());
        return CompletableFuture.completedFuture(ack);
    }
}
