package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.openworldchat.reaction.ReactionService;

/** {@code SEND_REACTION {messageId, emoji}}: toggle this guest's reaction. */
final class SendReactionHandler implements EventHandler {

    /** A message id that is no UUID names no message; the nil UUID is never a message id. */
    private static final UUID NO_MESSAGE = new UUID(0, 0);

    private final ReactionService reactions;

    SendReactionHandler(ReactionService reactions) {
        this.reactions = reactions;
    }

    @Override
    public CompletionStage<Map<String, Object>> handle(SocketContext socket, JsonNode payload) {
        Payload p = Payload.required(payload);
        UUID messageId = p.reference("messageId")
                .orElseThrow(() -> Payload.invalid("'messageId' is required"))
                .orElse(NO_MESSAGE);
        String emoji = p.requiredString("emoji");
        return reactions.toggle(socket.guestId(), socket.address(), messageId, emoji).thenApply(WireFormat::toggled);
    }

    @Override
    public void countMalformed(SocketContext socket) {
        reactions.countMalformed(socket.guestId(), socket.address());
    }
}
