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
    private boolean passing;
    private HttpRequest current;
    private CompositeByteBuf body;
    private boolean tooLarge;
    private int maxBody;
    /** Bytes of a refused body still read and dropped, so the client gets to read the 413. */
    private long discardBudget = -1;

    public HttpEntryHandler(HttpRouter router, String socketIoPath) {
        this.router = router;
        this.socketIoPath = socketIoPath;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            String path = new QueryStringDecoder(request.uri()).path();
            passing = path.startsWith(socketIoPath);
            if (passing) {
                ctx.fireChannelRead(msg);
                return;
            }
            start(ctx, request);
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

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        releaseBody();
        current = request;
        tooLarge = false;
        maxBody = router.maxBody(new QueryStringDecoder(request.uri()).path());
        body = ctx.alloc().compositeBuffer();
        if (request.decoderResult().isFailure()) {
            current = null;
            router.reject(ctx.channel(), ErrorCode.INVALID_PAYLOAD, "Malformed HTTP request");
        } else if (HttpUtil.getContentLength(request, -1L) > maxBody) {
            // Refuse before reading a byte of it; the connection closes after the answer.
            current = null;
            refuseTooLarge(ctx);
        }
    }

    /**
     * Answers 413 at once. Closing right away would make the peer, still sending, see a reset
     * instead of the answer; so a bounded amount more is read and dropped (never buffered) before
     * the connection is closed: at most {@link #DISCARD_BYTES}, then it is closed anyway.
     */
    private void refuseTooLarge(ChannelHandlerContext ctx) {
        tooLarge = true;
        releaseBody();
        discardBudget = DISCARD_BYTES;
        router.rejectKeepingOpen(ctx.channel(), ErrorCode.FILE_TOO_LARGE, "The request body is too large");
    }

    private void discard(ChannelHandlerContext ctx, HttpContent content) {
        discardBudget -= content.content().readableBytes();
        if (content instanceof LastHttpContent || discardBudget < 0) {
            discardBudget = -1;
            ctx.close();
        }
    }

    private void collect(ChannelHandlerContext ctx, HttpContent content) {
        try {
            if (discardBudget >= 0) {
                discard(ctx, content);
                return;
            }
            if (current == null) {
                return;
            }
            ByteBuf chunk = content.content();
            if (tooLarge || body.readableBytes() + chunk.readableBytes() > maxBody) {
                // Answer as soon as the limit is crossed; the rest of the body is never buffered.
                if (!tooLarge) {
                    current = null;
                    refuseTooLarge(ctx);
                    discard(ctx, content);
                }
            } else if (chunk.isReadable()) {
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
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        HttpCall call = new HttpCall(request.method(), query.path(), query.parameters(), request.headers(), bytes);
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
