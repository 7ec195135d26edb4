package org.openworldchat.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openworldchat.http.ConnectionLimits;
import org.openworldchat.metrics.ChatMetrics;

/**
 * Netty's HTTP request decoder, which also holds a connection's requests to a pace: a request's
 * head must arrive within {@link ConnectionLimits#headerTimeout()} (from the connection's opening
 * for its first request, from its first byte for a later one), and its body, from
 * {@link ConnectionLimits#bodyGrace()} on, at {@link ConnectionLimits#minBodyBytesPerSecond()}
 * on average since the head; otherwise the connection is closed. Without this a client held a
 * connection (and a file descriptor, and whatever its body had brought) for as long as it sent a
 * byte now and then: 20,000 requests with one body byte every 5 s filled a node's descriptors.
 *
 * <p>Being the decoder, it sees both the bytes (a request has begun) and what they decode to (the
 * head is complete, body bytes, the end). Between requests the idle rule applies instead
 * ({@link FirstRequestHandler}). While the server itself is not reading the connection (it is
 * still answering an earlier request, see {@link HttpExchanges}) the client cannot be slow: the
 * clock of its request starts again. One check is scheduled at a time, for the moment the current
 * request would fall behind. A websocket upgrade replaces the decoder, and its checks go with it.
 */
final class TimedRequestDecoder extends HttpRequestDecoder {

    private enum Phase { BETWEEN, HEAD, BODY }

    private final ConnectionLimits limits;
    private final ChatMetrics metrics;
    private Phase phase = Phase.BETWEEN;
    /** When the current request's head (phase HEAD) or body (phase BODY) began, on the event loop's ticker. */
    private long since;
    private long bodyBytes;
    private ScheduledFuture<?> check;
    private long checkAt;

    TimedRequestDecoder(HttpDecoderConfig config, ConnectionLimits limits, ChatMetrics metrics) {
        super(config);
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        begin(ctx, Phase.HEAD);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (phase == Phase.BETWEEN && buffer.isReadable()) {
            begin(ctx, Phase.HEAD);
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object decoded = out.get(i);
            if (decoded instanceof HttpRequest) {
                begin(ctx, Phase.BODY);
            }
            if (decoded instanceof HttpContent content) {
                bodyBytes += content.content().readableBytes();
            }
            if (decoded instanceof LastHttpContent) {
                phase = Phase.BETWEEN;
            }
        }
    }

    private void begin(ChannelHandlerContext ctx, Phase next) {
        phase = next;
        since = now(ctx);
        bodyBytes = 0;
        schedule(ctx, due());
    }

    /** When the current request falls behind its pace, with what it has brought so far. */
    private long due() {
        if (phase == Phase.HEAD) {
            return since + limits.headerTimeout().toNanos();
        }
        long paced = Math.min(TimeUnit.SECONDS.toNanos(bodyBytes) / limits.minBodyBytesPerSecond(), TimeUnit.DAYS.toNanos(1));
        return since + Math.max(limits.bodyGrace().toNanos(), paced);
    }

    /** Makes sure a check runs at {@code at} or before. */
    private void schedule(ChannelHandlerContext ctx, long at) {
        if (check != null) {
            if (checkAt <= at) {
                return;
            }
            check.cancel(false);
        }
        checkAt = at;
        check = ctx.executor().schedule(() -> check(ctx), Math.max(0, at - now(ctx)), TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        check = null;
        if (phase == Phase.BETWEEN || !ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            begin(ctx, phase); // the server is not reading: the client cannot be behind
            return;
        }
        long due = due();
        if (now(ctx) < due) {
            schedule(ctx, due);
            return;
        }
        metrics.connectionClosed(phase == Phase.HEAD ? "header_timeout" : "slow_body");
        ctx.close();
    }

    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        phase = Phase.BETWEEN;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        super.handlerRemoved0(ctx);
    }
}
