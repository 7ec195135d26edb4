package org.openworldchat.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.moderation.AdminTokens;
import org.openworldchat.moderation.Moderator;
import org.openworldchat.ratelimit.RateLimits;

/**
 * Everything under {@code /api/admin/}: the moderation API. Without {@code ADMIN_TOKENS} every
 * path under it answers {@code 404}, as if it did not exist. With them, a request first needs a
 * valid {@code Authorization: Bearer <token>} ({@code 401 ADMIN_AUTH_REQUIRED} otherwise, before
 * anything else is looked at, so a request without one learns nothing, not even whether a path or
 * an id exists); an address whose requests failed that more than 10 times a minute is refused
 * {@code 429} whatever it sends. Then the path and method choose a handler. The router sends no
 * CORS headers here: no page of another origin may call it.
 */
public final class AdminApi implements Endpoint {

    public static final String PREFIX = "/api/admin/";
    /** Settings with a list of blocked terms are the largest bodies. */
    public static final int MAX_BODY = 256 * 1024;
    private static final String BEARER = "Bearer ";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A moderator's request: who, the HTTP call, and the path's {@code {…}} parts in order. */
    public record AdminCall(Moderator moderator, HttpCall http, List<String> pathParams) {

        /** A path part that must be a UUID; {@code 404} otherwise (it names nothing). */
        public UUID id(int index) {
            try {
                return UUID.fromString(pathParams.get(index));
            } catch (IllegalArgumentException notAnId) {
                throw new ChatException(ErrorCode.NOT_FOUND);
            }
        }

        /** The JSON object in the body; an empty body is an empty object. */
        public JsonNode body() {
            if (http.body().length == 0) {
                return JSON.createObjectNode();
            }
            try {
                JsonNode node = JSON.readTree(http.body());
                if (node == null || !node.isObject()) {
                    throw new ChatException(ErrorCode.INVALID_PAYLOAD, "The body must be a JSON object");
                }
                return node;
            } catch (IOException e) {
                throw new ChatException(ErrorCode.INVALID_PAYLOAD, "The body is not JSON");
            }
        }
    }

    @FunctionalInterface
    public interface Handler {
        HttpReply handle(AdminCall call) throws Exception;
    }

    private record Route(HttpMethod method, Pattern path, Handler handler) {
    }

    private final AdminTokens tokens;
    private final RateLimits limits;
    private final List<Route> routes = new ArrayList<>();

    public AdminApi(AdminTokens tokens, RateLimits limits) {
        this.tokens = tokens;
        this.limits = limits;
    }

    /** A handler for {@code method} on {@code template}, a path under {@link #PREFIX} with {@code {name}} parts. */
    public AdminApi route(HttpMethod method, String template, Handler handler) {
        String regex = Pattern.quote(template).replaceAll("\\{[a-zA-Z]+}", "\\\\E([^/]+)\\\\Q");
        routes.add(new Route(method, Pattern.compile(regex), handler));
        return this;
    }

    @Override
    public HttpReply handle(HttpCall call) throws Exception {
        if (!tokens.enabled()) {
            throw new ChatException(ErrorCode.NOT_FOUND);
        }
        RateLimits.Taken failure = limits.take(RateLimit.ADDRESS_ADMIN_FAILURE, call.address(), 1);
        Moderator moderator = tokens.verify(bearer(call))
                .orElseThrow(() -> new ChatException(ErrorCode.ADMIN_AUTH_REQUIRED)); // the failure stays counted
        failure.giveBack();
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher m = route.path().matcher(call.path());
            if (!m.matches()) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(call.method())) {
                List<String> params = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    params.add(m.group(i));
                }
                return route.handler().handle(new AdminCall(moderator, call, List.copyOf(params)));
            }
        }
        throw new ChatException(pathKnown ? ErrorCode.METHOD_NOT_ALLOWED : ErrorCode.NOT_FOUND);
    }

    private static String bearer(HttpCall call) {
        String header = call.headers().get(HttpHeaderNames.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).strip() : null;
    }

    /** A query parameter that must be a UUID when present; {@code 400 INVALID_PAYLOAD} otherwise. */
    public static Optional<UUID> uuidParam(HttpCall call, String name) {
        Optional<String> value = call.param(name);
        try {
            return value.map(UUID::fromString);
        } catch (IllegalArgumentException e) {
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "'" + name + "' must be an id");
        }
    }

    /** A query parameter that must be a whole number in range when present. */
    public static int intParam(HttpCall call, String name, int fallback, int min, int max) {
        Optional<String> value = call.param(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ChatException(ErrorCode.INVALID_PAYLOAD, "'" + name + "' must be between " + min + " and " + max);
    }
}
