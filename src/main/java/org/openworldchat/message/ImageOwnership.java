package org.openworldchat.message;

import java.util.UUID;

/** Whether an image URL was issued by this server's upload endpoint to this guest. */
@FunctionalInterface
public interface ImageOwnership {

    boolean isIssuedTo(String imageUrl, UUID guestId);

    /** Before any upload store exists, no URL is ours. */
    ImageOwnership NONE = (url, guest) -> false;
}
