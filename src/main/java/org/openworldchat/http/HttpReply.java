package org.openworldchat.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/** What an endpoint answers: status, body with its content type, and any extra headers. */
public record HttpReply(HttpResponseStatus status, String contentType, byte[] body, HttpHeaders headers) {

    public static HttpReply of(HttpResponseStatus status, String contentType, byte[] body) {
        return new HttpReply(status, contentType, body, new DefaultHttpHeaders());
    }

    public HttpReply withHeader(CharSequence name, Object value) {
        headers.add(name, value);
        return this;
    }
}
