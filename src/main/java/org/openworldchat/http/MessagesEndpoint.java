package org.openworldchat.http;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.message.MessagePage;
import org.openworldchat.message.MessageService;
import org.openworldchat.realtime.WireFormat;

/**
 * {@code GET /api/messages?before=<id>&limit=<1..100>}: older history, oldest first. A valid
 * guest cookie, when sent, gets that guest's own reactions listed ({@code myReactions}).
 */
public final class MessagesEndpoint implements Endpoint {

    static final int DEFAULT_LIMIT = 50;

    private final MessageService messages;
    private final GuestCookie cookie;

    public MessagesEndpoint(MessageService messages, GuestCookie cookie) {
        this.messages = messages;
        this.cookie = cookie;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        Optional<UUID> before = call.param("before").map(value -> Params.uuid(value)
                .orElseThrow(() -> new ChatException(ErrorCode.INVALID_PAYLOAD, "'before' must be a message id (UUID)")));
        int limit = call.param("limit").map(value -> Params.limit(value, MessageService.MAX_PAGE)).orElse(DEFAULT_LIMIT);
        MessagePage page = messages.page(before, limit, cookie.guestOf(call.headers()));
        return Json.ok(Map.of("messages", WireFormat.messages(page.messages()), "hasMore", page.hasMore()));
    }
}
