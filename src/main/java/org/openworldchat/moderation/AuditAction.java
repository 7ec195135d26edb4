package org.openworldchat.moderation;

import java.util.Locale;

/** What a moderator did, as the audit log names it ({@link #wireName()}). */
public enum AuditAction {
    DELETE_MESSAGE,
    PURGE_GUEST,
    RESTRICT,
    LIFT_RESTRICTION,
    RESET_USERNAME,
    DISMISS_REPORTS,
    UPDATE_SETTINGS,
    UNBLOCK_IMAGE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
