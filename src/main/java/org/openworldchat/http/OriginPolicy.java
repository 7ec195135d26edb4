package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which browser origins may talk to the server: its own (PUBLIC_BASE_URL, or else whatever host
 * the request was sent to) and the CORS_ORIGINS list. A request without an Origin header comes
 * from a non-browser client and is allowed; a browser always sends one on cross-site requests
 * and on websocket handshakes, which is what defeats cross-site websocket hijacking.
 */
public final class OriginPolicy {

    private final Optional<String> publicOrigin;
    private final Set<String> extraOrigins;

    public OriginPolicy(Optional<String> publicBaseUrl, List<String> corsOrigins) {
        this.publicOrigin = publicBaseUrl.map(s -> s.toLowerCase(Locale.ROOT));
        this.extraOrigins = Set.copyOf(corsOrigins.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    }

    /** True when the request carries no Origin, or an allowed one. */
    public boolean allows(HttpHeaders headers) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        return origin == null || allowsOrigin(origin, headers.get(HttpHeaderNames.HOST));
    }

    /** True when the request comes from a browser page on another allowed origin (it needs CORS headers). */
    public boolean isAllowedCrossOrigin(HttpHeaders headers) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        return origin != null && extraOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }

    boolean allowsOrigin(String origin, String host) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (extraOrigins.contains(o)) {
            return true;
        }
        if (publicOrigin.isPresent()) {
            return publicOrigin.get().equals(o);
        }
        return host != null && authority(o).map(a -> a.equals(host.toLowerCase(Locale.ROOT))).orElse(false);
    }

    /** {@code host[:port]} of an origin, as a Host header would name it. */
    private static Optional<String> authority(String origin) {
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return Optional.empty();
            }
            return Optional.of(uri.getRawAuthority());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
