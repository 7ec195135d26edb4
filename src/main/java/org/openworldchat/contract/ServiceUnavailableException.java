package org.openworldchat.contract;

/** A dependency (the database, most often) did not answer in time; nothing was stored. */
public final class ServiceUnavailableException extends ChatException {

    public ServiceUnavailableException(String message, Throwable cause) {
        super(ErrorCode.SERVICE_UNAVAILABLE, message, cause);
    }
}
