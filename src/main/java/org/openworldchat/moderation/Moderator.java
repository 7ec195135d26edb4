package org.openworldchat.moderation;

/** Who acted: the name of the token a moderator's request carried ({@code ADMIN_TOKENS}). */
public record Moderator(String name) {
}
