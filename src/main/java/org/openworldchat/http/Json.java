package org.openworldchat.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openworldchat.contract.ErrorMapper;

/** JSON replies, including the contract's error body {@code {"error":{"code","message"}}}. */
public final class Json {

    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static HttpReply reply(HttpResponseStatus status, Object body) {
        try {
            return HttpReply.of(status, CONTENT_TYPE, MAPPER.writeValueAsBytes(body))
                    .withHeader("Cache-Control", "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply not serializable", e);
        }
    }

    public static HttpReply ok(Object body) {
        return reply(HttpResponseStatus.OK, body);
    }

    public static HttpReply error(ErrorMapper.ErrorBody error) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", error.code().name());
        inner.put("message", error.message());
        inner.putAll(error.details());
        return reply(HttpResponseStatus.valueOf(error.code().httpStatus()), Map.of("error", inner));
    }
}
