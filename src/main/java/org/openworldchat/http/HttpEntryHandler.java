package org.openworldchat.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.ratelimit.AddressKey;

/**
 * Sits right after the HTTP decoder on every connection. Requests under the Socket.IO path go on
 * to netty-socketio untouched; every other request is collected here and handed to the
 * {@link HttpRouter}. Bodies are bounded per route: a declared length over the bound is refused
 * before any byte is read, and a streamed body is refused the moment it crosses the bound, so
 * a huge upload is never buffered. Every body, the Socket.IO endpoint's included, also takes its
 * bytes from {@link BodyBuffers} until it is answered, so unfinished bodies cannot fill the
 * node's memory. One instance per connection: it holds the request being read. The requests of a
 * connection reach it one at a time (the pipeline answers them in order).
 */
public final class HttpEntryHandler extends ChannelInboundHandlerAdapter {

    /** Bytes of a refused body still read and dropped until its answer is written, so the client gets to read it. */
    static final long DISCARD_BYTES = 8L * 1024 * 1024;

    private final HttpRouter router;
    private final String socketIoPath;
    private final ClientAddress addresses;
    private final BodyBuffers buffers;
    private boolean passing;
    private HttpRequest current;
    private QueryStringDecoder currentTarget;
    /** The current request's client address, once asked for. */
    private AddressKey currentAddress;
    /** What the current request's body holds, once it has brought a byte. */
    private BodyBuffers.Share share;
    private CompositeByteBuf body;
    private int maxBody;
    /** The request was refused: the rest of its body is dropped, and the connection closes after the answer. */
    private boolean refusing;
    private long discardBudget;

    private HttpEntryHandler(HttpRouter router, String socketIoPath, ClientAddress addresses, BodyBuffers buffers) {
        this.router = router;
        this.socketIoPath = socketIoPath;
        this.addresses = addresses;
        this.buffers = buffers;
    }

    /** Makes one handler per connection; their bodies share the bounds of {@code limits}. */
    public static Supplier<HttpEntryHandler> perConnection(HttpRouter router, String socketIoPath, ClientAddress addresses,
                                                           ConnectionLimits limits, ChatMetrics metrics) {
        BodyBuffers buffers = new BodyBuffers(limits.bodyBufferPerAddress(), limits.bodyBufferTotal());
        metrics.gauge("owc.http.body.buffered.bytes", "Bytes of request bodies held in memory until answered", buffers::held);
        return () -> new HttpEntryHandler(router, socketIoPath, addresses, buffers);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refusing && msg instanceof HttpObject) {
            if (msg instanceof HttpContent content) {
                discard(ctx, content);
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            endRequest();
            currentAddress = null;
            QueryStringDecoder target = decodedTarget(request);
            if (target == null) {
                // A bad escape (a lone %): the library's decoder would throw on it and drop the
                // connection without an answer, and so would ours.
                ReferenceCountUtil.release(msg);
                refuse(ctx, () -> router.refuse(ctx.channel(), ErrorCode.INVALID_PAYLOAD, "Malformed request target"));
                return;
            }
            passing = target.path().startsWith(socketIoPath);
            if (passing) {
                current = request;
                ctx.fireChannelRead(msg);
                return;
            }
            start(ctx, request, target);
        }
        if (msg instanceof HttpContent content) {
            if (passing) {
                pass(ctx, content);
                return;
            }
            collect(ctx, content);
            return;
        }
        if (!(msg instanceof HttpRequest)) {
            ctx.fireChannelRead(msg); // websocket frames after an upgrade
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The request's path and query, decoded; null when they cannot be. */
    private static QueryStringDecoder decodedTarget(HttpRequest request) {
        try {
            QueryStringDecoder target = new QueryStringDecoder(request.uri());
            target.path();
            target.parameters(); // decoded lazily, so decoded here, where a bad escape can still be answered
            return target;
        } catch (IllegalArgumentException badEscape) {
            return null;
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request, QueryStringDecoder target) {
        current = request;
        currentTarget = target;
        String path = target.path();
        maxBody = router.maxBody(path);
        body = ctx.alloc().compositeBuffer();
        if (request.decoderResult().isFailure()) {
            refuse(ctx, () -> router.refuse(ctx.channel(), ErrorCode.INVALID_PAYLOAD, "Malformed HTTP request"));
        } else if (HttpUtil.getContentLength(request, -1L) > maxBody) {
            // Refuse before reading a byte of it.
            refuseTooLarge(ctx);
        }
    }

    /** A body for netty-socketio: its bytes are held (by the library's aggregator) until the request is complete. */
    private void pass(ChannelHandlerContext ctx, HttpContent content) {
        ErrorCode over = take(ctx, content.content().readableBytes());
        if (over != null) {
            refuseBusy(ctx, over);
            discard(ctx, content);
            ReferenceCountUtil.release(content);
            return;
        }
        ctx.fireChannelRead(content);
        if (content instanceof LastHttpContent) {
            current = null;
            endRequest(); // the library has answered it or holds nothing of it any more
        }
    }

    /**
     * Answers 413 (or, for an upload over its guest's limit, 429) before the endpoint sees the
     * request. Counting the attempt toward a limit may take a moment, so the answer may come
     * after more of the body has arrived.
     */
    private void refuseTooLarge(ChannelHandlerContext ctx) {
        HttpRequest request = current;
        String path = currentTarget.path();
        refuse(ctx, () -> router.refuseTooLarge(ctx.channel(), request.method(), path, request.headers()));
    }

    /** Answers a body that does not fit in what bodies may hold: the address's share (429) or the node's (503). */
    private void refuseBusy(ChannelHandlerContext ctx, ErrorCode over) {
        refuse(ctx, () -> router.refuse(ctx.channel(), over, over == ErrorCode.RATE_LIMITED
                ? "Too many request bodies in progress from your address; try again shortly"
                : "The server is receiving too many request bodies; try again shortly"));
    }

    /**
     * Stops taking the request: what it holds is given back, the rest of its body is dropped
     * (never buffered), and the answer, which says {@code Connection: close}, is written. The
     * pipeline closes the connection once the answer is out; until then at most
     * {@link #DISCARD_BYTES} more are read, else it is closed at once.
     */
    private void refuse(ChannelHandlerContext ctx, Runnable answer) {
        current = null;
        passing = false;
        refusing = true;
        discardBudget = DISCARD_BYTES;
        endRequest();
        answer.run();
    }

    private void discard(ChannelHandlerContext ctx, HttpContent content) {
        discardBudget -= content.content().readableBytes();
        if (discardBudget < 0) {
            ctx.close(); // the peer sends far past the bound: no more waiting for the answer
        }
    }

    private void collect(ChannelHandlerContext ctx, HttpContent content) {
        try {
            if (current == null) {
                return;
            }
            ByteBuf chunk = content.content();
            if (body.readableBytes() + chunk.readableBytes() > maxBody) {
                // Answer as soon as the limit is crossed; the rest of the body is never buffered.
                refuseTooLarge(ctx);
                discard(ctx, content);
                return;
            }
            ErrorCode over = take(ctx, chunk.readableBytes());
            if (over != null) {
                refuseBusy(ctx, over);
                discard(ctx, content);
                return;
            }
            if (chunk.isReadable()) {
                body.addComponent(true, chunk.retain());
            }
            if (content instanceof LastHttpContent) {
                finish(ctx);
            }
        } finally {
            ReferenceCountUtil.release(content);
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        HttpRequest request = current;
        current = null;
        byte[] bytes = ByteBufUtil.getBytes(body);
        releaseBody();
        QueryStringDecoder query = currentTarget;
        HttpCall call = new HttpCall(request.method(), query.path(), query.parameters(), request.headers(), bytes,
                address(ctx, request));
        // The copy handed to the endpoint keeps the body's share until the answer is written.
        BodyBuffers.Share answered = share;
        share = null;
        router.dispatch(ctx.channel(), call, HttpUtil.isKeepAlive(request), answered == null ? () -> { } : answered::release);
    }

    /** Takes {@code bytes} more for the current request's body; null when they fit, else the refusal. */
    private ErrorCode take(ChannelHandlerContext ctx, int bytes) {
        if (bytes == 0) {
            return null;
        }
        if (share == null) {
            share = buffers.open(address(ctx, current));
        }
        return share.take(bytes);
    }

    private AddressKey address(ChannelHandlerContext ctx, HttpRequest request) {
        if (currentAddress == null) {
            currentAddress = addresses.of(ctx.channel().remoteAddress(), request.headers());
        }
        return currentAddress;
    }

    /** Gives back what the current request holds. */
    private void endRequest() {
        releaseBody();
        if (share != null) {
            share.release();
            share = null;
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        endRequest();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        endRequest();
    }
}
