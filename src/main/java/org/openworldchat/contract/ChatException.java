package org.openworldchat.contract;

import java.util.Map;

/**
 * A refusal the client caused or must know about, carrying its contract code. Services throw it;
 * the transport layers turn it into an ack, an {@code ERROR} event or an HTTP error body through
 * {@link ErrorMapper}, never anywhere else.
 */
public class ChatException extends RuntimeException {

    private final ErrorCode code;

    public ChatException(ErrorCode code) {
        this(code, code.defaultMessage());
    }

    public ChatException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ChatException(ErrorCode code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** Extra fields a client sees next to {@code code} and {@code message} (e.g. {@code retryAfterMs}). */
    public Map<String, Object> details() {
        return Map.of();
    }
}
