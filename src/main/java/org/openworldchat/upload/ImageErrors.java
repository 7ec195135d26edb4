package org.openworldchat.upload;

import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;

/** The two ways an uploaded image is refused, shared by the per-format readers. */
final class ImageErrors {

    private ImageErrors() {
    }

    static ChatException unsupported() {
        return new ChatException(ErrorCode.UNSUPPORTED_IMAGE_TYPE, "Only JPEG, PNG and WebP images are accepted");
    }

    static ChatException invalid(String message) {
        return new ChatException(ErrorCode.INVALID_IMAGE, message);
    }

    static ChatException invalid(String message, Throwable cause) {
        return new ChatException(ErrorCode.INVALID_IMAGE, message, cause);
    }

    static ChatException truncated() {
        return invalid("The image file is truncated");
    }
}
