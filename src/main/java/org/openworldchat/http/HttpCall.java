package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openworldchat.ratelimit.AddressKey;

/** One decoded HTTP request, with its (bounded) body and the keyed hash of the client's address. */
public record HttpCall(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                       byte[] body, AddressKey address) {

    /** The single value of a query parameter; empty when absent. */
    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
