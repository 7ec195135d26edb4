package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.UUID;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;

/**
 * Typed, strict reads of one event payload. A field of the wrong JSON type is
 * {@code INVALID_PAYLOAD}; unknown fields are ignored so that newer clients keep working.
 */
final class Payload {

    private final JsonNode object;

    private Payload(JsonNode object) {
        this.object = object;
    }

    /** A payload that must be a JSON object. */
    static Payload required(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw invalid("the payload must be an object");
        }
        return new Payload(node);
    }

    /** A payload that may be absent or null, or else must be an object. */
    static Payload optional(JsonNode node) {
        if (node == null || node.isNull()) {
            return new Payload(null);
        }
        return required(node);
    }

    Optional<String> string(String field) {
        JsonNode v = object == null ? null : object.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        return Optional.of(v.textValue());
    }

    String requiredString(String field) {
        return string(field).orElseThrow(() -> invalid("'" + field + "' is required"));
    }

    /** A string field that must hold a UUID when present. */
    Optional<UUID> uuid(String field) {
        return string(field).map(s -> parseUuid(s).orElseThrow(() -> invalid("'" + field + "' must be a UUID")));
    }

    /**
     * A string field naming a message: a string that is no UUID names no message, which callers
     * report with their own "not found" code rather than as a malformed payload.
     */
    Optional<Optional<UUID>> reference(String field) {
        return string(field).map(Payload::parseUuid);
    }

    static Optional<UUID> parseUuid(String s) {
        if (s.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static ChatException invalid(String message) {
        return new ChatException(ErrorCode.INVALID_PAYLOAD, message);
    }
}
