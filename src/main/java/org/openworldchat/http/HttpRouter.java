package org.openworldchat.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.ErrorMapper;
import org.openworldchat.metrics.ChatMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table of the HTTP API, and the one place that runs an endpoint off the event loop
 * and writes its reply with the security headers.
 */
public final class HttpRouter {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    /** The body a request may carry unless its route says otherwise: the JSON API takes little. */
    static final int DEFAULT_MAX_BODY = 16 * 1024;

    private final Map<String, Map<HttpMethod, Endpoint>> routes = new HashMap<>();
    private final Map<String, Map<HttpMethod, Endpoint>> prefixes = new HashMap<>();
    /** Routes for {@code prefix + <one segment> + suffix}, keyed by prefix, then suffix. */
    private final Map<String, Map<String, Map<HttpMethod, Endpoint>>> around = new HashMap<>();
    private final Map<String, Integer> bodyLimits = new HashMap<>();
    /** Whole subtrees answered by one endpoint whatever the method, without CORS: path prefix → endpoint and body bound. */
    private final Map<String, Map.Entry<Endpoint, Integer>> trees = new HashMap<>();
    private final java.util.Set<String> inline = new java.util.HashSet<>();
    private final ExecutorService executor;
    private final OriginPolicy origins;
    private final ChatMetrics metrics;

    public HttpRouter(ExecutorService executor, OriginPolicy origins, ChatMetrics metrics) {
        this.executor = executor;
        this.origins = origins;
        this.metrics = metrics;
    }

    public HttpRouter route(HttpMethod method, String path, Endpoint endpoint) {
        routes.computeIfAbsent(path, p -> new HashMap<>()).put(method, endpoint);
        return this;
    }

    /** A route whose requests may carry up to {@code maxBody} bytes of body. */
    public HttpRouter route(HttpMethod method, String path, Endpoint endpoint, int maxBody) {
        bodyLimits.put(path, maxBody);
        return route(method, path, endpoint);
    }

    /**
     * A route answered on the connection's own thread, skipping the executor: only for endpoints
     * that never block (the liveness probe must answer even when every worker is busy).
     */
    public HttpRouter routeInline(HttpMethod method, String path, Endpoint endpoint) {
        inline.add(path);
        return route(method, path, endpoint);
    }

    /** A route for every path under {@code prefix} (which ends with a slash). */
    public HttpRouter routePrefix(HttpMethod method, String prefix, Endpoint endpoint) {
        prefixes.computeIfAbsent(prefix, p -> new HashMap<>()).put(method, endpoint);
        return this;
    }

    /**
     * A route for every path made of {@code prefix}, one segment (no slash, not empty) and
     * {@code suffix}: an id inside the path, as in {@code /api/messages/{id}/reactions}.
     */
    public HttpRouter routeAround(HttpMethod method, String prefix, String suffix, Endpoint endpoint) {
        around.computeIfAbsent(prefix, p -> new HashMap<>()).computeIfAbsent(suffix, x -> new HashMap<>())
                .put(method, endpoint);
        return this;
    }

    /**
     * Every path under {@code prefix} (which ends with a slash), every method, to one endpoint that
     * routes them itself; its answers carry no CORS headers, so no page of another origin can read
     * them. Requests may carry up to {@code maxBody} bytes.
     */
    public HttpRouter routeTree(String prefix, Endpoint endpoint, int maxBody) {
        trees.put(prefix, Map.entry(endpoint, maxBody));
        return this;
    }

    /** How many body bytes a request to this path may send. */
    int maxBody(String path) {
        Map.Entry<Endpoint, Integer> tree = treeFor(path);
        return tree != null ? tree.getValue() : bodyLimits.getOrDefault(path, DEFAULT_MAX_BODY);
    }

    private Map.Entry<Endpoint, Integer> treeFor(String path) {
        for (Map.Entry<String, Map.Entry<Endpoint, Integer>> tree : trees.entrySet()) {
            if (path.startsWith(tree.getKey())) {
                return tree.getValue();
            }
        }
        return null;
    }

    /**
     * Runs the call's endpoint on the executor and writes the reply to the channel; {@code answered}
     * runs once the reply is written (or could not be).
     */
    void dispatch(Channel channel, HttpCall call, boolean keepAlive, Runnable answered) {
        if (inline.contains(call.path())) {
            write(channel, answer(call), keepAlive).addListener(f -> answered.run());
            return;
        }
        try {
            executor.execute(() -> write(channel, answer(call), keepAlive).addListener(f -> answered.run()));
        } catch (RejectedExecutionException e) {
            refuse(channel, ErrorCode.SERVICE_UNAVAILABLE, "The server is shutting down");
            answered.run();
        }
    }

    /**
     * Writes a refusal that needs no endpoint, with {@code Connection: close} (framing, origin and
     * connection limits, bodies over what the node may hold); counted in the metrics under its code.
     */
    public void refuse(Channel channel, ErrorCode code, String message) {
        write(channel, counted(new ChatException(code, message)), false);
    }

    /** {@code 405 METHOD_NOT_ALLOWED} with the {@code Allow} header and {@code Connection: close}; counted in the metrics. */
    public void refuseMethod(Channel channel, String allowed) {
        write(channel, counted(new ChatException(ErrorCode.METHOD_NOT_ALLOWED)).withHeader(HttpHeaderNames.ALLOW, allowed),
                false);
    }

    /**
     * Answers a request whose body is over its route's bound, before its endpoint sees it:
     * {@code 413 FILE_TOO_LARGE}, unless the endpoint counts the attempt toward a limit the
     * requester is over (an upload, toward its guest's upload limit), which is then the answer.
     * Counting may ask Redis, so it runs on the executor, never on the event loop. The answer says
     * {@code Connection: close}; the caller drops what the peer still sends.
     */
    void refuseTooLarge(Channel channel, HttpMethod method, String path, HttpHeaders headers) {
        ChatException tooLarge = new ChatException(ErrorCode.FILE_TOO_LARGE, "The request body is too large");
        // A request from a refused origin is not the guest's attempt: its endpoint would never count it either.
        Endpoint endpoint = origins.allows(headers) ? endpointFor(method, path) : null;
        if (endpoint == null) {
            write(channel, counted(tooLarge), false);
            return;
        }
        try {
            executor.execute(() -> write(channel, counted(countedBefore(endpoint, headers, tooLarge)), false));
        } catch (RejectedExecutionException e) {
            write(channel, counted(tooLarge), false);
        }
    }

    /** The refusal to answer once the endpoint counted it: over a limit, the limit's own. */
    private static ChatException countedBefore(Endpoint endpoint, HttpHeaders headers, ChatException refusal) {
        try {
            endpoint.refusedBeforeHandling(headers);
            return refusal;
        } catch (ChatException overLimit) {
            return overLimit;
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("a refused request could not be counted");
            return refusal;
        }
    }

    private HttpReply counted(ChatException refusal) {
        return counted(ErrorMapper.describe(refusal));
    }

    /** Every refusal's answer: counted in the metrics under its code. */
    private HttpReply counted(ErrorMapper.ErrorBody error) {
        metrics.refused(error.code());
        return Json.error(error);
    }

    HttpReply answer(HttpCall call) {
        HttpReply reply = route(call);
        if (treeFor(call.path()) == null && origins.isAllowedCrossOrigin(call.headers())) {
            reply.withHeader(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, call.headers().get(HttpHeaderNames.ORIGIN))
                    .withHeader(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                    .withHeader(HttpHeaderNames.VARY, "Origin");
        }
        return reply;
    }

    private HttpReply route(HttpCall call) {
        if (!origins.allows(call.headers())) {
            return refusal(call, new ChatException(ErrorCode.FORBIDDEN_ORIGIN));
        }
        Map.Entry<Endpoint, Integer> tree = treeFor(call.path());
        if (tree != null) {
            try {
                return tree.getKey().handle(call);
            } catch (Exception e) {
                return refusal(call, e);
            }
        }
        Map<HttpMethod, Endpoint> byMethod = routesFor(call.path());
        if (HttpMethod.OPTIONS.equals(call.method()) && byMethod != null) {
            return preflight(byMethod);
        }
        try {
            if (byMethod == null) {
                throw new ChatException(ErrorCode.NOT_FOUND);
            }
            Endpoint endpoint = endpointIn(byMethod, call.method());
            if (endpoint == null) {
                return refusal(call, new ChatException(ErrorCode.METHOD_NOT_ALLOWED))
                        .withHeader(HttpHeaderNames.ALLOW, methods(byMethod));
            }
            return endpoint.handle(call);
        } catch (Exception e) {
            return refusal(call, e);
        }
    }

    private HttpReply refusal(HttpCall call, Exception e) {
        ErrorMapper.ErrorBody error = ErrorMapper.describe(e);
        if (error.unexpected()) {
            log.atError().addKeyValue("route", routeOf(call.path())).setCause(e).log("request failed");
        }
        return counted(error);
    }

    /** The route of a path that has one, as the table names it: a path's own text is the client's, not for the log. */
    private String routeOf(String path) {
        int slash = path.lastIndexOf('/');
        return routes.containsKey(path) || slash < 0 ? path : path.substring(0, slash + 1) + "*";
    }

    /** The methods a path takes (HEAD wherever GET), as {@code Allow} and CORS preflights name them. */
    private static String methods(Map<HttpMethod, Endpoint> byMethod) {
        Stream<HttpMethod> head = byMethod.containsKey(HttpMethod.GET) ? Stream.of(HttpMethod.HEAD) : Stream.empty();
        return String.join(", ", Stream.concat(byMethod.keySet().stream(), head).map(HttpMethod::name).sorted().toList());
    }

    /** CORS preflight: which methods the path takes; the origin headers are added by {@link #answer}. */
    private static HttpReply preflight(Map<HttpMethod, Endpoint> byMethod) {
        return HttpReply.of(io.netty.handler.codec.http.HttpResponseStatus.NO_CONTENT, "text/plain", new byte[0])
                .withHeader(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods(byMethod))
                .withHeader(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
                .withHeader(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
    }

    /** The endpoint that would handle this method and path, or null. */
    private Endpoint endpointFor(HttpMethod method, String path) {
        Map<HttpMethod, Endpoint> byMethod = routesFor(path);
        return byMethod == null ? null : endpointIn(byMethod, method);
    }

    /** A path's endpoint for a method (HEAD is answered by GET), or null. */
    private static Endpoint endpointIn(Map<HttpMethod, Endpoint> byMethod, HttpMethod method) {
        Endpoint endpoint = byMethod.get(method);
        return endpoint != null || !HttpMethod.HEAD.equals(method) ? endpoint : byMethod.get(HttpMethod.GET);
    }

    private Map<HttpMethod, Endpoint> routesFor(String path) {
        Map<HttpMethod, Endpoint> exact = routes.get(path);
        if (exact != null) {
            return exact;
        }
        int slash = path.lastIndexOf('/');
        Map<HttpMethod, Endpoint> prefixed = slash < 0 ? null : prefixes.get(path.substring(0, slash + 1));
        return prefixed != null ? prefixed : aroundFor(path);
    }

    /** The route whose prefix and suffix enclose one segment of {@code path}, or null. */
    private Map<HttpMethod, Endpoint> aroundFor(String path) {
        for (Map.Entry<String, Map<String, Map<HttpMethod, Endpoint>>> byPrefix : around.entrySet()) {
            String prefix = byPrefix.getKey();
            if (!path.startsWith(prefix)) {
                continue;
            }
            int end = path.indexOf('/', prefix.length());
            if (end > prefix.length()) {
                Map<HttpMethod, Endpoint> found = byPrefix.getValue().get(path.substring(end));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * Writes the reply. A reply that is not kept alive says {@code Connection: close}, and the
     * pipeline closes the connection once it is written (see {@code HttpExchanges}).
     */
    private static ChannelFuture write(Channel channel, HttpReply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                Unpooled.wrappedBuffer(reply.body()));
        response.headers().add(reply.headers());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        SecurityHeaders.apply(response.headers());
        if (!HttpResponseStatus.NOT_MODIFIED.equals(reply.status())) {
            HttpUtil.setContentLength(response, reply.body().length);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        return channel.writeAndFlush(response);
    }
}
