package org.openworldchat.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.upload.ObjectStorage;
import org.openworldchat.upload.UploadService;

/**
 * {@code GET /uploads/<key>}: a stored image, with its true content type, {@code nosniff} (from
 * the security headers) and a year-long cache lifetime, since a key never changes content.
 */
public final class ImagesEndpoint implements Endpoint {

    private final UploadService uploads;

    public ImagesEndpoint(UploadService uploads) {
        this.uploads = uploads;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        String key = call.path().substring(UploadService.PATH_PREFIX.length());
        ObjectStorage.StoredObject image = uploads.read(key).orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND));
        return HttpReply.of(HttpResponseStatus.OK, image.contentType(), image.data())
                .withHeader("Cache-Control", "public, max-age=31536000, immutable")
                .withHeader("Content-Disposition", "inline");
    }
}
