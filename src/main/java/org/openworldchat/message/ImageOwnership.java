package org.openworldchat.message;

import java.util.UUID;

/** The upload feature as the message service sees it: which image URLs a guest may post. */
public interface ImageOwnership {

    /** Whether this URL was issued by this server's upload endpoint to this guest. */
    boolean isIssuedTo(String imageUrl, UUID guestId);

    /** A stored message now shows this image. */
    default void attached(String imageUrl, UUID messageId) {
    }

    /** Without an upload store no URL is ours. */
    ImageOwnership NONE = (url, guest) -> false;
}
