package org.openworldchat.realtime;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1's rules for the requests and answers of one connection, which neither netty-socketio
 * nor our router keeps by itself. It sits between the response encoder and everything that
 * answers, so it sees every request on its way in and every answer on its way out.
 *
 * <ul>
 *   <li>Answers go out in the order of the requests: requests are handed on one at a time, the
 *       next once the previous one is answered. What a client pipelines meanwhile waits here, and
 *       the connection is not read while anything waits, so that is at most what one read
 *       brought. (The API answers on worker threads, so a pipelined {@code /health} overtook the
 *       request before it; and a pipelining client could make the server work on any number of
 *       its requests at once.)</li>
 *   <li>The answer to {@code HEAD} is the {@code GET} answer's head, its {@code Content-Length}
 *       included, without the body.</li>
 *   <li>An answer that says {@code Connection: close}, or answers a request that asked for it,
 *       closes the connection once written. When the client is still sending the request's body
 *       (an early refusal), the output is shut first, so the answer ends there, and what still
 *       arrives is read and dropped for up to {@link #LINGER} or {@link #DRAIN_BYTES}: closing
 *       with unread bytes would send a reset, which can destroy the answer before the client
 *       reads it.</li>
 * </ul>
 * A websocket upgrade ends HTTP on the connection: this handler leaves at the {@code 101}.
 * One instance per connection.
 */
final class HttpExchanges extends ChannelDuplexHandler {

    static final Duration LINGER = Duration.ofSeconds(2);
    static final long DRAIN_BYTES = 8L * 1024 * 1024;

    private final Deque<Object> waiting = new ArrayDeque<>();
    /** Between a request's head and its last content. */
    private boolean requestOpen;
    /** A request was handed on and has not been answered yet. */
    private boolean awaitingAnswer;
    private boolean head;
    private boolean clientCloses;
    /** A final answer's head went out; its last content has not yet. */
    private boolean answering;
    private boolean closeAfterAnswer;
    /** An answer that closes the connection went out: nothing more is handed on. */
    private boolean closing;
    private long drained;
    private boolean paused;
    private boolean handingOn;
    private ScheduledFuture<?> linger;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject)) {
            // The library's own messages (it fires a polling POST's packets from the pipeline's
            // head, after answering the POST) and websocket frames.
            ctx.fireChannelRead(msg);
        } else if (closing) {
            drop(ctx, msg);
        } else if (!waiting.isEmpty() || awaitingAnswer && !requestOpen) {
            waiting.add(msg);
            pause(ctx);
        } else {
            handOn(ctx, msg);
        }
    }

    private void handOn(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            requestOpen = true;
            awaitingAnswer = true;
            head = HttpMethod.HEAD.equals(request.method());
            clientCloses = !HttpUtil.isKeepAlive(request);
        }
        if (msg instanceof LastHttpContent) {
            requestOpen = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
                ctx.write(msg, promise);
                upgraded(ctx);
                return;
            }
            if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                answering = true;
                if (clientCloses) {
                    HttpUtil.setKeepAlive(response, false);
                }
                closeAfterAnswer = !HttpUtil.isKeepAlive(response);
            }
        }
        if (head && answering && msg instanceof HttpContent content && content.content().isReadable()) {
            msg = content.replace(Unpooled.EMPTY_BUFFER); // headers, Content-Length included, stay as they are
            content.release();
        }
        if (!answering || !(msg instanceof LastHttpContent)) {
            ctx.write(msg, promise);
            return;
        }
        answering = false;
        awaitingAnswer = false;
        if (closeAfterAnswer) {
            closing = true;
            releaseWaiting();
            ctx.write(msg, promise.unvoid().addListener(written -> closeGently(ctx)));
            return;
        }
        ctx.write(msg, promise);
        if (!requestOpen) {
            next(ctx);
        }
    }

    /** Hands on what waits until a request is being answered again, and reads again once nothing waits. */
    private void next(ChannelHandlerContext ctx) {
        if (handingOn) {
            return; // an answer written while handing on (on this thread): the loop below goes on
        }
        handingOn = true;
        try {
            while (!waiting.isEmpty() && !closing && !(awaitingAnswer && !requestOpen)) {
                handOn(ctx, waiting.poll());
            }
        } finally {
            handingOn = false;
        }
        if (waiting.isEmpty()) {
            resume(ctx);
        }
    }

    /** After an answer that closes: at once, or, while the client still sends its body, once it stops. */
    private void closeGently(ChannelHandlerContext ctx) {
        if (!requestOpen || !ctx.channel().isActive() || !(ctx.channel() instanceof DuplexChannel duplex)) {
            ctx.close();
            return;
        }
        duplex.shutdownOutput();
        linger = ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        resume(ctx);
    }

    private void drop(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent content) {
            drained += content.content().readableBytes();
            if (msg instanceof LastHttpContent || drained > DRAIN_BYTES) {
                requestOpen = false;
                if (linger != null) {
                    ctx.close();
                }
            }
        }
        ReferenceCountUtil.release(msg);
    }

    private void upgraded(ChannelHandlerContext ctx) {
        releaseWaiting();
        resume(ctx);
        ctx.pipeline().remove(this);
    }

    private void pause(ChannelHandlerContext ctx) {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resume(ChannelHandlerContext ctx) {
        if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releaseWaiting() {
        Object msg;
        while ((msg = waiting.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
        if (linger != null) {
            linger.cancel(false);
        }
    }
}
