package org.openworldchat.contract;

/** A guest without a chosen username tried to write; the client should offer {@link #defaultUsername()}. */
public final class UsernameRequiredException extends ChatException {

    private final String defaultUsername;

    public UsernameRequiredException(String defaultUsername) {
        super(ErrorCode.USERNAME_REQUIRED);
        this.defaultUsername = defaultUsername;
    }

    public String defaultUsername() {
        return defaultUsername;
    }
}
