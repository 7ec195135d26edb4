package org.openworldchat.message;

import java.util.List;

/**
 * A page of history, oldest first. {@code hasMore}: more unexpired messages lie beyond it in the
 * direction it pages (older ones for a history page, newer ones for a catch-up after {@code since}).
 */
public record MessagePage(List<Message> messages, boolean hasMore) {
}
