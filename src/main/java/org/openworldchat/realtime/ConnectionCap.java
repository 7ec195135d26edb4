package org.openworldchat.realtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.ConnectionLimits;
import org.openworldchat.http.HttpRouter;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.ratelimit.AddressKey;

/**
 * The per-address cap on concurrent connections of every kind (API requests, long polls,
 * websockets): {@link ConnectionLimits#maxPerAddress()} per address on this node, and
 * {@link ConnectionLimits#maxPerNetwork()} per IPv6 /64. Without it one address opened connections
 * until the node ran out of file descriptors, and then nobody else could connect.
 *
 * <p>Without a trusted proxy the address is the peer's, known when the connection opens: one
 * over the cap is closed at once, before a byte of it is read. Behind a trusted proxy every
 * connection comes from the proxy, so the proxy's own connections are not capped; the client's
 * address is known once a request's head has arrived ({@code X-Forwarded-For}), and a request
 * whose address holds all its connections is refused ({@code 429 RATE_LIMITED}, and the connection
 * is closed). A connection whose requests name another address (a proxy that reuses its
 * connections) moves to that address. A place is given back when its connection closes.
 */
@Sharable
final class ConnectionCap extends ChannelInboundHandlerAdapter {

    /** Behind a trusted proxy: the place the connection holds, which its requests may move. */
    private static final AttributeKey<Place> PLACE = AttributeKey.valueOf("owc.connectionPlace");

    private final ClientAddress addresses;
    private final ConnectionLimiter places;
    private final HttpRouter refusals;
    private final ChatMetrics metrics;

    ConnectionCap(ConnectionLimits limits, ClientAddress addresses, HttpRouter refusals, ChatMetrics metrics) {
        this.addresses = addresses;
        this.places = new ConnectionLimiter(limits.maxPerAddress(), limits.maxPerNetwork());
        this.refusals = refusals;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!addresses.trustsProxy()) {
            if (!placeFor(ctx.channel()).take(addresses.ofPeer(ctx.channel().remoteAddress()))) {
                metrics.connectionClosed("address_limit");
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        Channel channel = ctx.channel();
        Place place = channel.attr(PLACE).get();
        if (place == null) {
            place = placeFor(channel);
            channel.attr(PLACE).set(place);
        }
        if (msg instanceof HttpObject && place.refused) {
            ReferenceCountUtil.release(msg); // the rest of a refused request; the connection is closing
            return;
        }
        if (msg instanceof HttpRequest request) {
            AddressKey address = addresses.of(channel.remoteAddress(), request.headers());
            if (!address.equals(place.address)) {
                place.giveBack();
                if (!place.take(address)) {
                    place.refused = true;
                    ReferenceCountUtil.release(msg);
                    metrics.connectionClosed("address_limit");
                    refusals.refuse(channel, ErrorCode.RATE_LIMITED, "Too many connections from your address");
                    return;
                }
            }
        }
        super.channelRead(ctx, msg);
    }

    /** A connection's place, given back when the connection closes. */
    private Place placeFor(Channel channel) {
        Place place = new Place();
        channel.closeFuture().addListener(place);
        return place;
    }

    /** The address one connection is counted under; used on the connection's event loop only. */
    private final class Place implements ChannelFutureListener {
        private AddressKey address;
        private boolean refused;

        /** Counts the connection under {@code key}; false (and nothing taken) when the address or its network is full. */
        boolean take(AddressKey key) {
            if (!places.reserve(key)) {
                return false;
            }
            address = key;
            return true;
        }

        void giveBack() {
            if (address != null) {
                places.release(address);
                address = null;
            }
        }

        @Override
        public void operationComplete(ChannelFuture closed) {
            giveBack();
        }
    }
}
