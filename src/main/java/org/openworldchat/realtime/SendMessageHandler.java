package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.openworldchat.message.MessageService;
import org.openworldchat.message.SendMessage;

/** {@code SEND_MESSAGE {content?, imageUrl?, replyToMessageId?, clientMessageId?}}. */
final class SendMessageHandler implements EventHandler {

    private static final UUID NO_MESSAGE = new UUID(0, 0);

    private final MessageService messages;

    SendMessageHandler(MessageService messages) {
        this.messages = messages;
    }

    @Override
    public CompletionStage<Map<String, Object>> handle(SocketContext socket, JsonNode payload) {
        Payload p = Payload.required(payload);
        // A reply id that is no UUID names no message: it gets the same answer as an unknown one
        // (the nil UUID is never a message id), after the same checks.
        UUID replyTo = p.reference("replyToMessageId").map(id -> id.orElse(NO_MESSAGE)).orElse(null);
        SendMessage request = new SendMessage(
                p.string("content").orElse(null),
                p.string("imageUrl").orElse(null),
                replyTo,
                p.uuid("clientMessageId").orElse(null));
        return messages.send(socket.guestId(), socket.address(), request)
                .thenApply(sent -> Map.of("message", WireFormat.message(sent.message())));
    }

    @Override
    public void countMalformed(SocketContext socket) {
        messages.countMalformed(socket.guestId(), socket.address());
    }
}
