package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openworldchat.guest.Guest;
import org.openworldchat.guest.GuestService;
import org.openworldchat.presence.PresenceService;

/** {@code SET_USERNAME {username}}: choose or change the name; the guest counts as online from now. */
final class SetUsernameHandler implements EventHandler {

    private final GuestService guests;
    private final PresenceService presence;

    SetUsernameHandler(GuestService guests, PresenceService presence) {
        this.guests = guests;
        this.presence = presence;
    }

    @Override
    public CompletionStage<Map<String, Object>> handle(SocketContext socket, JsonNode payload) {
        String requested = Payload.required(payload).requiredString("username");
        Guest guest = guests.setUsername(socket.guestId(), socket.address(), requested);
        presence.activate(guest.guestId());
        return CompletableFuture.completedFuture(Map.of("username", guest.username().orElseThrow()));
    }
}
