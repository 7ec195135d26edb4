package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;

/**
 * Serves the web client's files from the class path ({@code /web}): the page itself, and the
 * files directly inside a few folders ({@code /css/}, {@code /js/}, ...). A file name is one path
 * segment of plain characters with a known extension, so nothing outside those folders can be
 * named. Files are revalidated on every use ({@code no-cache} with an {@code ETag}), which keeps
 * a new release's page and modules consistent without renaming them.
 */
public final class StaticFiles {

    private static final String ROOT = "/web";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9][A-Za-z0-9_-]*)*\\.[A-Za-z0-9]+");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "map", "application/json; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "txt", "text/plain; charset=utf-8");

    private StaticFiles() {
    }

    /** One file, loaded at start: a missing page is a build error, not a 404 at run time. */
    public static Endpoint file(String resource, String contentType) {
        Loaded file = load(ROOT + resource, contentType)
                .orElseThrow(() -> new IllegalStateException("missing resource " + ROOT + resource));
        return file::reply;
    }

    /** Every file directly inside {@code prefix} (a route prefix such as {@code /js/}), loaded on first use. */
    public static Endpoint directory(String prefix) {
        return new Directory(prefix);
    }

    /**
     * The files of one folder, each loaded at its first request and kept. Only files that exist are
     * kept: the names come from clients, and keeping each missing one (as this once did) let
     * requests for made-up names grow the cache without end (34,701 requests kept 274 MB). What is
     * kept is bounded by the folder's own files.
     */
    static final class Directory implements Endpoint {
        private final String prefix;
        private final Map<String, Loaded> cache = new ConcurrentHashMap<>();

        Directory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public HttpReply handle(HttpCall call) {
            String name = call.path().substring(prefix.length());
            String type = FILE_NAME.matcher(name).matches() ? TYPES.get(extension(name)) : null;
            if (type == null) {
                throw new ChatException(ErrorCode.NOT_FOUND);
            }
            Loaded file = cache.computeIfAbsent(name, n -> load(ROOT + prefix + n, type).orElse(null));
            if (file == null) {
                throw new ChatException(ErrorCode.NOT_FOUND);
            }
            return file.reply(call);
        }

        /** How many files are kept (tests). */
        int cachedFiles() {
            return cache.size();
        }
    }

    private static String extension(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static Optional<Loaded> load(String resource, String contentType) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new Loaded(bytes, contentType, etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Loaded(byte[] bytes, String contentType, String etag) {

        HttpReply reply(HttpCall call) {
            HttpReply reply = Conditional.matches(call.headers(), etag)
                    ? HttpReply.of(HttpResponseStatus.NOT_MODIFIED, contentType, new byte[0])
                    : HttpReply.of(HttpResponseStatus.OK, contentType, bytes);
            return reply.withHeader(HttpHeaderNames.CACHE_CONTROL, "no-cache").withHeader(HttpHeaderNames.ETAG, etag);
        }
    }
}
