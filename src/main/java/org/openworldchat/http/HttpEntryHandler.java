package org.openworldchat.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.openworldchat.contract.ErrorCode;

/**
 * Sits right after the HTTP decoder on every connection. Requests under the Socket.IO path go on
 * to netty-socketio untouched; every other request is collected here and handed to the
 * {@link HttpRouter}. Bodies are bounded per route: a declared length over the bound is refused
 * before any byte is read, and a streamed body is refused the moment it crosses the bound, so
 * a huge upload is never buffered. One instance per connection: it holds the request being read.
 */
public final class HttpEntryHandler extends ChannelInboundHandlerAdapter {

    static final long DISCARD_BYTES = 8L * 1024 * 1024;

    private final HttpRouter router;
    private final String socketIoPath;
    private final ClientAddress addresses;
    private boolean passing;
    private HttpRequest current;
    private QueryStringDecoder currentTarget;
    private CompositeByteBuf body;
    private int maxBody;
    /** A body over its bound was refused: everything else the peer sends is dropped, and the connection closes. */
    private boolean refusing;
    /** Bytes of a refused body still read and dropped, so the client gets to read the answer. */
    private long discardBudget;
    private boolean refusalWritten;
    private boolean drained;

    public HttpEntryHandler(HttpRouter router, String socketIoPath, ClientAddress addresses) {
        this.router = router;
        this.socketIoPath = socketIoPath;
        this.addresses = addresses;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refusing) {
            if (msg instanceof HttpContent content) {
                discard(ctx, content);
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            QueryStringDecoder target = decodedTarget(request);
            if (target == null) {
                // A bad escape (a lone %): the library's decoder would throw on it and drop the
                // connection without an answer, and so would ours.
                passing = false;
                current = null;
                releaseBody();
                ReferenceCountUtil.release(msg);
                router.refuse(ctx.channel(), ErrorCode.INVALID_PAYLOAD, "Malformed request target");
                return;
            }
            passing = target.path().startsWith(socketIoPath);
            if (passing) {
                ctx.fireChannelRead(msg);
                return;
            }
            start(ctx, request, target);
        }
        if (msg instanceof HttpContent content) {
            if (passing) {
                if (!(msg instanceof HttpRequest)) {
                    ctx.fireChannelRead(msg);
                }
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
        releaseBody();
        current = request;
        currentTarget = target;
        String path = target.path();
        maxBody = router.maxBody(path);
        body = ctx.alloc().compositeBuffer();
        if (request.decoderResult().isFailure()) {
            current = null;
            router.refuse(ctx.channel(), ErrorCode.INVALID_PAYLOAD, "Malformed HTTP request");
        } else if (HttpUtil.getContentLength(request, -1L) > maxBody) {
            // Refuse before reading a byte of it; the connection closes after the answer.
            refuseTooLarge(ctx, request, path);
        }
    }

    /**
     * Answers 413 (or, for an upload over its guest's limit, 429). Closing right away would make
     * the peer, still sending, see a reset instead of the answer; so a bounded amount more is
     * read and dropped (never buffered), and the connection is closed once the answer is written
     * and the body has ended: after at most {@link #DISCARD_BYTES}, it is closed anyway.
     */
    private void refuseTooLarge(ChannelHandlerContext ctx, HttpRequest request, String path) {
        current = null;
        refusing = true;
        releaseBody();
        discardBudget = DISCARD_BYTES;
        router.refuseTooLarge(ctx.channel(), request.method(), path, request.headers(), () -> {
            refusalWritten = true;
            if (drained) {
                ctx.close();
            }
        });
    }

    private void discard(ChannelHandlerContext ctx, HttpContent content) {
        if (drained) {
            return;
        }
        discardBudget -= content.content().readableBytes();
        if (discardBudget < 0) {
            drained = true;
            ctx.close(); // the peer sends far past the bound: no more waiting for it to stop
        } else if (content instanceof LastHttpContent) {
            drained = true;
            if (refusalWritten) {
                ctx.close();
            }
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
                refuseTooLarge(ctx, current, currentTarget.path());
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
                addresses.of(ctx.channel().remoteAddress(), request.headers()));
        router.dispatch(ctx.channel(), call, HttpUtil.isKeepAlive(request));
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseBody();
        super.channelInactive(ctx);
    }
}
