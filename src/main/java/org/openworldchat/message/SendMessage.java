package org.openworldchat.message;

import java.util.UUID;

/** A guest's request to send; every field may be null, as in the {@code SEND_MESSAGE} payload. */
public record SendMessage(String content, String imageUrl, UUID replyToMessageId, UUID clientMessageId) {
}
