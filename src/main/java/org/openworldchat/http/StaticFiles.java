package org.openworldchat.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;

/** Serves the web client's files from the class path ({@code /web}). */
public final class StaticFiles {

    private static final String ROOT = "/web";

    private StaticFiles() {
    }

    public static Endpoint file(String resource, String contentType) {
        byte[] bytes = load(ROOT + resource);
        return call -> HttpReply.of(HttpResponseStatus.OK, contentType, bytes)
                .withHeader("Cache-Control", "no-cache");
    }

    private static byte[] load(String resource) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ChatException(ErrorCode.NOT_FOUND, "missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
