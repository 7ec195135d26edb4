package org.openworldchat.realtime;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.protocol.AckArgs;
import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.openworldchat.contract.ClientEvent;

/**
 * JSON for netty-socketio. Two changes to the library's default: {@code null} fields are written
 * (the contract shows {@code "imageUrl": null}), and incoming events are decoded by us into an
 * {@link IncomingEvent} whatever their shape, so that an unknown event or a malformed payload
 * still reaches a listener that can answer it instead of being dropped or logged as an error.
 */
final class ChatJsonSupport implements JsonSupport {

    /** The internal event name every unknown or undecodable event is routed to. */
    static final String UNRECOGNIZED = "\u0000unrecognized";
    private static final int MAX_NESTING = 16;

    private final JsonSupport delegate = new JacksonJsonSupport() {
        @Override
        protected void init(ObjectMapper mapper) {
            super.init(mapper);
            mapper.setSerializationInclusion(JsonInclude.Include.ALWAYS);
        }
    };

    private final ObjectMapper reader = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    @Override
    @SuppressWarnings("unchecked")
    public <T> T readValue(String namespaceName, ByteBufInputStream src, Class<T> valueType) throws IOException {
        if (valueType != Event.class) {
            return delegate.readValue(namespaceName, src, valueType);
        }
        return (T) readEvent(src);
    }

    private Event readEvent(ByteBufInputStream src) {
        IncomingEvent incoming;
        try (JsonParser parser = reader.createParser((java.io.InputStream) src)) {
            JsonNode tree = reader.readTree(parser);
            // One packet holds one JSON array; anything after it makes the packet undecodable.
            incoming = parser.nextToken() == null ? toIncoming(tree) : new IncomingEvent(null, List.of(), true);
        } catch (IOException | RuntimeException e) {
            incoming = new IncomingEvent(null, List.of(), true);
        }
        boolean known = !incoming.malformed() && incoming.name() != null
                && ClientEvent.fromWire(incoming.name()).isPresent();
        return new Event(known ? incoming.name() : UNRECOGNIZED, List.of(incoming));
    }

    private static IncomingEvent toIncoming(JsonNode tree) {
        if (tree == null || !tree.isArray() || tree.isEmpty()) {
            return new IncomingEvent(null, List.of(), true);
        }
        JsonNode name = tree.get(0);
        List<JsonNode> args = new ArrayList<>(tree.size() - 1);
        for (int i = 1; i < tree.size(); i++) {
            args.add(tree.get(i));
        }
        if (!name.isTextual()) {
            return new IncomingEvent(null, args, true);
        }
        return new IncomingEvent(name.textValue(), List.copyOf(args), false);
    }

    @Override
    public AckArgs readAckArgs(ByteBufInputStream src, AckCallback<?> callback) throws IOException {
        return delegate.readAckArgs(src, callback);
    }

    @Override
    public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
        delegate.writeValue(out, value);
    }

    @Override
    public void addEventMapping(String namespaceName, String eventName, Class<?>... eventClass) {
        delegate.addEventMapping(namespaceName, eventName, eventClass);
    }

    @Override
    public void removeEventMapping(String namespaceName, String eventName) {
        delegate.removeEventMapping(namespaceName, eventName);
    }

    @Override
    public List<byte[]> getArrays() {
        return delegate.getArrays();
    }
}
