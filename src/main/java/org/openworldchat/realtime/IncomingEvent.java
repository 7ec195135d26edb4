package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A client event as decoded from the wire: its name and its arguments as JSON trees, before any
 * validation. {@code malformed} when the packet's JSON could not be read at all. Only the
 * server's own decoder makes these, so a client cannot forge one.
 */
record IncomingEvent(String name, List<JsonNode> args, boolean malformed) {

    /** The single payload argument: null when the client sent none. */
    JsonNode payload() {
        return args.isEmpty() ? null : args.getFirst();
    }
}
