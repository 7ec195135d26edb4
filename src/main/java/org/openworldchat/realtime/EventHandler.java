package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Handles one client event: decodes the payload, calls a service, returns the success ack's fields. */
interface EventHandler {

    /**
     * Refusals known at once may be thrown. A stage that is not yet complete lets the socket's next
     * event start meanwhile (a write waiting for its batch); it must not complete on a writer's
     * thread, since the ack is sent from the thread that completes it.
     *
     * @param payload the event's argument, or null when there was none
     * @return the fields of the success ack, besides {@code ok}
     */
    CompletionStage<Map<String, Object>> handle(SocketContext socket, JsonNode payload);

    /**
     * This event's payload could not be read ({@code INVALID_PAYLOAD}). An event with a rate limit
     * counts such an attempt too, as the contract counts every attempt, and throws
     * {@code RATE_LIMITED} when the guest is over the limit.
     */
    default void countMalformed(SocketContext socket) {
    }
}
