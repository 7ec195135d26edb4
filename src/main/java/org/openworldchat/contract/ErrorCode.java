package org.openworldchat.contract;

/**
 * Every error code a client can see, with the HTTP status it maps to and a default message.
 * The names are part of the client contract: never rename one.
 */
public enum ErrorCode {
    INVALID_PAYLOAD(400, "The payload is malformed"),
    UNKNOWN_EVENT(400, "Unknown event"),
    INVALID_USERNAME(400, "A username is 2 to 24 letters, digits, single inner spaces, '_' or '-'"),
    USERNAME_TAKEN(409, "That username is taken"),
    USERNAME_REQUIRED(403, "Choose a username before writing"),
    EMPTY_MESSAGE(400, "The message is empty"),
    MESSAGE_TOO_LONG(400, "The message is longer than 2000 characters"),
    INVALID_IMAGE_URL(400, "The image URL was not issued to you by this server"),
    REPLY_TARGET_NOT_FOUND(404, "The message you reply to does not exist or has expired"),
    INVALID_EMOJI(400, "A reaction is exactly one emoji"),
    TOO_MANY_REACTIONS(409, "This message already has 20 different reactions"),
    MESSAGE_NOT_FOUND(404, "The message does not exist or has expired"),
    RATE_LIMITED(429, "Too many requests; slow down"),
    SERVICE_UNAVAILABLE(503, "The service is temporarily unavailable; try again"),
    NO_SESSION(401, "No guest session; load the page or GET /api/session first"),
    UNSUPPORTED_IMAGE_TYPE(415, "Only JPEG, PNG and WebP images are accepted"),
    INVALID_IMAGE(400, "The image is corrupt or too large in pixels"),
    FILE_TOO_LARGE(413, "The file is larger than 5 MiB"),
    FORBIDDEN_ORIGIN(403, "Requests from this origin are not allowed"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    FORBIDDEN(403, "That is not yours to do"),
    MUTED(403, "You are muted and cannot write for now"),
    BANNED(403, "You are banned from this chat"),
    SLOW_MODE(429, "Slow mode is on: wait before sending again"),
    TOO_NEW(403, "New visitors must wait a little before writing"),
    LINKS_NOT_ALLOWED(400, "Links are not allowed here"),
    CONTENT_BLOCKED(400, "That contains something this chat does not allow"),
    IMAGE_BLOCKED(422, "This image is not allowed here"),
    ADMIN_AUTH_REQUIRED(401, "A valid moderator token is required"),
    INTERNAL_ERROR(500, "Internal error");

    private final int httpStatus;
    private final String defaultMessage;

    ErrorCode(int httpStatus, String defaultMessage) {
        this.httpStatus = httpStatus;
        this.defaultMessage = defaultMessage;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
