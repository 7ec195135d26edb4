package org.openworldchat.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.openworldchat.metrics.ChatMetrics;

/** {@code GET /metrics}: the Prometheus text format. Restrict it at your proxy if it should not be public. */
public final class MetricsEndpoint implements Endpoint {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ChatMetrics metrics;

    public MetricsEndpoint(ChatMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        return HttpReply.of(HttpResponseStatus.OK, CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8))
                .withHeader("Cache-Control", "no-store");
    }
}
