package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.upload.ObjectStorage;
import org.openworldchat.upload.UploadService;

/**
 * {@code GET /uploads/<key>}: a stored image, with its true content type and {@code nosniff}
 * (from the security headers), while a message still shows it. {@code 404} once its messages have
 * expired, before the cleanup deletes it. Browsers and caches must ask again on every use
 * ({@code private, no-cache}), so a removed image leaves them at once; the {@code ETag} (the key:
 * a key never changes content) makes asking cheap, a {@code 304} without reading the store.
 */
public final class ImagesEndpoint implements Endpoint {

    private final UploadService uploads;

    public ImagesEndpoint(UploadService uploads) {
        this.uploads = uploads;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        String key = call.path().substring(UploadService.PATH_PREFIX.length());
        if (!uploads.isServable(key)) {
            throw new ChatException(ErrorCode.NOT_FOUND);
        }
        String etag = "\"" + key + "\"";
        if (Conditional.matches(call.headers(), etag)) {
            return revalidate(HttpReply.of(HttpResponseStatus.NOT_MODIFIED, "application/octet-stream", new byte[0]), etag);
        }
        ObjectStorage.StoredObject image = uploads.read(key).orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND));
        return revalidate(HttpReply.of(HttpResponseStatus.OK, image.contentType(), image.data()), etag)
                .withHeader("Content-Disposition", "inline");
    }

    private static HttpReply revalidate(HttpReply reply, String etag) {
        return reply.withHeader(HttpHeaderNames.CACHE_CONTROL, "private, no-cache").withHeader(HttpHeaderNames.ETAG, etag);
    }
}
