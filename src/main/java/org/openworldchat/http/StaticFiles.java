package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

    /** Every file directly inside {@code prefix} (a route prefix such as {@code /js/}), loaded at start. */
    public static Endpoint directory(String prefix) {
        return new Directory(prefix, listed(prefix));
    }

    /**
     * The files of one folder, all read when the server starts: a request names a file, never a
     * class-path lookup. Looking names up as they came kept memory for every one of them (first a
     * cache of ours: 34,701 made-up names kept 274 MB; then the JDK's class loader, which remembers
     * each name it was asked for, found or not), and the names come from clients.
     */
    static final class Directory implements Endpoint {
        private final String prefix;
        private final Map<String, Loaded> files;

        Directory(String prefix, Map<String, Loaded> files) {
            this.prefix = prefix;
            this.files = Map.copyOf(files);
        }

        @Override
        public HttpReply handle(HttpCall call) {
            Loaded file = files.get(call.path().substring(prefix.length()));
            if (file == null) {
                throw new ChatException(ErrorCode.NOT_FOUND);
            }
            return file.reply(call);
        }

        /** How many files are kept (tests). */
        int cachedFiles() {
            return files.size();
        }
    }

    /**
     * The servable files directly inside {@code ROOT + prefix}, whether the class path holds them in
     * a folder (a build's {@code target/classes}) or in the jar. The page itself is always there, so
     * its location says where to look.
     */
    private static Map<String, Loaded> listed(String prefix) {
        try {
            URI page = Objects.requireNonNull(StaticFiles.class.getResource(ROOT + "/index.html"),
                    "missing resource " + ROOT + "/index.html").toURI();
            if (!"jar".equals(page.getScheme())) {
                return read(Path.of(page).resolveSibling(prefix.substring(1)));
            }
            try (FileSystem jar = FileSystems.newFileSystem(page, Map.of())) {
                return read(jar.getPath(ROOT + prefix));
            }
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot list the page's files in " + ROOT + prefix, e);
        }
    }

    private static Map<String, Loaded> read(Path folder) throws IOException {
        Map<String, Loaded> files = new HashMap<>();
        if (!Files.isDirectory(folder)) {
            return files;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path path : (Iterable<Path>) entries::iterator) {
                String name = path.getFileName().toString().replace("/", "");
                String type = FILE_NAME.matcher(name).matches() ? TYPES.get(extension(name)) : null;
                if (type != null && Files.isRegularFile(path)) {
                    byte[] bytes = Files.readAllBytes(path);
                    files.put(name, new Loaded(bytes, type, etag(bytes)));
                }
            }
        }
        return files;
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
