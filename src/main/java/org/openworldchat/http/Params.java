package org.openworldchat.http;

import java.util.Optional;
import java.util.UUID;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;

/** Query and path values of the JSON API, read strictly. */
final class Params {

    private Params() {
    }

    /** The UUID in its canonical 36-character form; empty for anything else. */
    static Optional<UUID> uuid(String value) {
        try {
            if (value.length() == 36) {
                return Optional.of(UUID.fromString(value));
            }
        } catch (IllegalArgumentException e) {
            // not one
        }
        return Optional.empty();
    }

    /** A page size from 1 to {@code max}, else {@code INVALID_PAYLOAD}. */
    static int limit(String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ChatException(ErrorCode.INVALID_PAYLOAD, "'limit' must be a whole number from 1 to " + max);
    }
}
