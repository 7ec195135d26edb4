package org.openworldchat.contract;

/** Events the server sends. The enum names are the wire names. */
public enum ServerEvent {
    USERNAME_REQUIRED,
    NEW_MESSAGE,
    MESSAGE_REACTION_UPDATED,
    ONLINE_USERS_COUNT,
    MESSAGES_DELETED,
    BANNED,
    ROOM_SETTINGS,
    ERROR;

    public String wireName() {
        return name();
    }
}
