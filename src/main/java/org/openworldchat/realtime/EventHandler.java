package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Handles one client event: decodes the payload, calls a service, returns the success ack's fields. */
interface EventHandler {

    /**
     * @param payload the event's argument, or null when there was none
     * @return the fields of the success ack, besides {@code ok}
     */
    Map<String, Object> handle(SocketContext socket, JsonNode payload);
}
