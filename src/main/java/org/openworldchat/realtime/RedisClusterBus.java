package org.openworldchat.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.openworldchat.redis.OutageLog;
import org.openworldchat.redis.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcasts between nodes over Redis pub/sub (Lettuce). Each message names the node that sent
 * it, which skips its own (it delivered them locally already), so every joined socket on every
 * node gets each broadcast once. Lettuce re-subscribes by itself after a Redis outage; messages
 * published while Redis was away reach only the sender's own sockets, and clients catch up with
 * {@code JOIN_CHAT {since}}.
 */
public final class RedisClusterBus implements ClusterBus {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterBus.class);

    private final RedisConnections redis;
    private final String channel;
    private final ObjectMapper json = new ObjectMapper();
    private final OutageLog outage = new OutageLog(log, "Redis (cluster broadcasts)");

    public RedisClusterBus(RedisConnections redis) {
        this.redis = redis;
        this.channel = redis.key("broadcast");
    }

    @Override
    public void start(Consumer<Broadcast> deliver) {
        // A node that started while Redis was away subscribes once it gets there.
        redis.whenConnected(() -> {
            redis.pubSub().addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    if (channel.equals(from)) {
                        receive(message, deliver);
                    }
                }
            });
            redis.pubSub().sync().subscribe(channel);
        });
    }

    private void receive(String message, Consumer<Broadcast> deliver) {
        try {
            JsonNode envelope = json.readTree(message);
            if (!redis.nodeId().equals(envelope.path("node").asText())) {
                deliver.accept(new Broadcast(envelope.path("event").asText(), envelope.get("payload")));
            }
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("undeliverable broadcast from another node: {}", e.getMessage());
        }
    }

    @Override
    public void publish(Broadcast broadcast) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("node", redis.nodeId());
        envelope.put("event", broadcast.event());
        envelope.put("payload", broadcast.payload());
        try {
            redis.commands().async().publish(channel, json.writeValueAsString(envelope))
                    .whenComplete((receivers, failure) -> {
                        if (failure != null) {
                            outage.failed(failure);
                        } else {
                            outage.succeeded();
                        }
                    });
        } catch (JsonProcessingException e) {
            log.error("broadcast not serializable", e);
        } catch (RuntimeException e) {
            outage.failed(e);
        }
    }

    @Override
    public void close() {
        if (!redis.isConnected()) {
            return;
        }
        try {
            redis.pubSub().sync().unsubscribe(channel);
        } catch (RuntimeException e) {
            log.debug("unsubscribe at close failed: {}", e.getMessage());
        }
    }
}
