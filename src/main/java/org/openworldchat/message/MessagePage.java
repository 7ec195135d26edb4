package org.openworldchat.message;

import java.util.List;

/** A page of history, oldest first; {@code hasMore} when older unexpired messages exist. */
public record MessagePage(List<Message> messages, boolean hasMore) {
}
