package org.openworldchat.http;

import java.util.Optional;
import java.util.UUID;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.reaction.ReactionService;
import org.openworldchat.realtime.WireFormat;

/**
 * {@code GET /api/messages/{id}/reactions?emoji=&after=&limit=}: every guest who reacted to a
 * message with one emoji, page by page, first reacted first. Message objects list only the first
 * few of them.
 */
public final class ReactorsEndpoint implements Endpoint {

    public static final String PREFIX = "/api/messages/";
    public static final String SUFFIX = "/reactions";

    /** A message id that is no UUID names no message; the nil UUID is never a message id. */
    private static final UUID NO_MESSAGE = new UUID(0, 0);

    private final ReactionService reactions;

    public ReactorsEndpoint(ReactionService reactions) {
        this.reactions = reactions;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        String id = call.path().substring(PREFIX.length(), call.path().length() - SUFFIX.length());
        UUID messageId = Params.uuid(id).orElse(NO_MESSAGE);
        String emoji = call.param("emoji")
                .orElseThrow(() -> new ChatException(ErrorCode.INVALID_PAYLOAD, "'emoji' is required"));
        Optional<UUID> after = call.param("after").map(value -> Params.uuid(value)
                .orElseThrow(() -> new ChatException(ErrorCode.INVALID_PAYLOAD, "'after' must be a guest id (UUID)")));
        int limit = call.param("limit").map(value -> Params.limit(value, ReactionService.MAX_REACTORS_PAGE))
                .orElse(ReactionService.DEFAULT_REACTORS_PAGE);
        return Json.ok(WireFormat.reactors(reactions.reactors(messageId, emoji, after, limit)));
    }
}
