package org.openworldchat.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /health} (the process runs) and {@code GET /ready} (its dependencies answer). */
public final class HealthEndpoints {

    /** A dependency the node needs to serve: the database, Redis when configured. */
    public interface Check {
        String name();

        boolean ok();
    }

    private final List<Check> checks;

    public HealthEndpoints(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    public HttpReply health(HttpCall call) {
        return Json.ok(Map.of("status", "UP"));
    }

    public HttpReply ready(HttpCall call) {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean ready = true;
        for (Check check : checks) {
            boolean ok = check.ok();
            details.put(check.name(), ok ? "UP" : "DOWN");
            ready &= ok;
        }
        return Json.reply(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                Map.of("status", ready ? "UP" : "DOWN", "checks", details));
    }
}
