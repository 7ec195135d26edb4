package org.openworldchat.app;

/** The server cannot start; the message says why in one line. */
public final class StartupException extends RuntimeException {

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
