package org.openworldchat.http;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.message.MessagePage;
import org.openworldchat.message.MessageService;
import org.openworldchat.realtime.WireFormat;

/** {@code GET /api/messages?before=<id>&limit=<1..100>}: older history, oldest first. */
public final class MessagesEndpoint implements Endpoint {

    static final int DEFAULT_LIMIT = 50;

    private final MessageService messages;

    public MessagesEndpoint(MessageService messages) {
        this.messages = messages;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        Optional<UUID> before = call.param("before").map(MessagesEndpoint::uuid);
        int limit = call.param("limit").map(MessagesEndpoint::limit).orElse(DEFAULT_LIMIT);
        MessagePage page = messages.page(before, limit);
        return Json.ok(Map.of("messages", WireFormat.messages(page.messages()), "hasMore", page.hasMore()));
    }

    private static UUID uuid(String value) {
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ChatException(ErrorCode.INVALID_PAYLOAD, "'before' must be a message id (UUID)");
    }

    private static int limit(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MessageService.MAX_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ChatException(ErrorCode.INVALID_PAYLOAD, "'limit' must be a whole number from 1 to " + MessageService.MAX_PAGE);
    }
}
