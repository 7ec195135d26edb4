package org.openworldchat.contract;

import java.util.Optional;

/** Events a client sends. The enum names are the wire names. */
public enum ClientEvent {
    JOIN_CHAT,
    SET_USERNAME,
    SEND_MESSAGE,
    SEND_REACTION,
    DELETE_MESSAGE,
    REPORT_MESSAGE;

    public String wireName() {
        return name();
    }

    public static Optional<ClientEvent> fromWire(String name) {
        for (ClientEvent e : values()) {
            if (e.wireName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
