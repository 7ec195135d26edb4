package org.openworldchat.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.upload.UploadService;

/** {@code POST /api/uploads}: a multipart form whose {@code image} field is a JPEG, PNG or WebP. */
public final class UploadEndpoint implements Endpoint {

    public static final String FIELD = "image";
    /** The whole request may exceed the file limit by the multipart framing around it. */
    public static final int MAX_REQUEST_BYTES = UploadService.MAX_BYTES + 64 * 1024;

    private final UploadService uploads;
    private final GuestCookie cookie;
    private final ChatMetrics metrics;

    public UploadEndpoint(UploadService uploads, GuestCookie cookie, ChatMetrics metrics) {
        this.uploads = uploads;
        this.cookie = cookie;
        this.metrics = metrics;
    }

    @Override
    public HttpReply handle(HttpCall call) throws IOException {
        UUID guestId = cookie.guestOf(call.headers()).orElseThrow(() -> new ChatException(ErrorCode.NO_SESSION));
        byte[] file;
        try {
            file = imageField(call);
            if (file.length > UploadService.MAX_BYTES) {
                throw new ChatException(ErrorCode.FILE_TOO_LARGE);
            }
        } catch (ChatException refused) {
            uploads.countRefused(guestId, call.address());
            throw refused;
        }
        UploadService.Uploaded uploaded = uploads.upload(guestId, call.address(), file);
        metrics.imageUploaded();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("imageUrl", uploaded.imageUrl());
        body.put("contentType", uploaded.contentType());
        body.put("size", uploaded.size());
        body.put("width", uploaded.width());
        body.put("height", uploaded.height());
        return Json.reply(HttpResponseStatus.CREATED, body);
    }

    /**
     * An upload refused as too large before it got here counts toward its guest's limit like
     * every other refused upload; one without a valid guest cookie has no guest to count against.
     * (The router does not hand on the address here; the body was never read, nothing was stored.)
     */
    @Override
    public void refusedBeforeHandling(HttpHeaders headers) {
        cookie.guestOf(headers).ifPresent(uploads::countRefused);
    }

    /** The bytes of the {@code image} file field, decoded by Netty's multipart codec, in memory. */
    private static byte[] imageField(HttpCall call) throws IOException {
        // The decoder is made from the headers alone and given the body after: a body it fails on
        // halfway then leaves what it had copied with a decoder that is destroyed below (failing
        // in its constructor, it leaked those buffers).
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, call.method(), call.path(), call.headers());
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), head);
        } catch (DecoderException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // A content type it cannot read, a charset that does not exist, an empty boundary
            // (Netty reads its first character).
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "Expected a multipart/form-data body");
        }
        LastHttpContent body = new DefaultLastHttpContent(Unpooled.wrappedBuffer(call.body()));
        try {
            if (!decoder.isMultipart()) {
                throw new ChatException(ErrorCode.INVALID_PAYLOAD, "Expected a multipart/form-data body");
            }
            decoder.offer(body);
            InterfaceHttpData field = decoder.getBodyHttpData(FIELD);
            if (!(field instanceof FileUpload upload)) {
                throw new ChatException(ErrorCode.INVALID_PAYLOAD, "The form has no file field named '" + FIELD + "'");
            }
            return upload.get();
        } catch (HttpPostRequestDecoder.TooManyFormFieldsException e) {
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "The form has too many fields");
        } catch (DecoderException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // Malformed framing, a part header too long to buffer, a charset that does not exist,
            // an empty boundary.
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "The multipart body is malformed");
        } finally {
            decoder.destroy();
            body.release();
        }
    }
}
