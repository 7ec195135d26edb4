package org.openworldchat.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openworldchat.moderation.AuditEntry;
import org.openworldchat.moderation.AuditLog;
import org.openworldchat.realtime.WireFormat;

/** {@code GET /api/admin/audit?before=&limit=}: every moderation action, newest first. */
public final class AuditEndpoint implements AdminApi.Handler {

    private static final int DEFAULT_PAGE = 50;

    private final AuditLog audit;

    public AuditEndpoint(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public HttpReply handle(AdminApi.AdminCall call) {
        Optional<UUID> before = AdminApi.uuidParam(call.http(), "before");
        int limit = AdminApi.intParam(call.http(), "limit", DEFAULT_PAGE, 1, AuditLog.MAX_PAGE);
        AuditLog.Page page = audit.page(before, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", page.entries().stream().map(AuditEndpoint::entry).toList());
        body.put("hasMore", page.hasMore());
        return Json.ok(body);
    }

    private static Map<String, Object> entry(AuditEntry e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id().toString());
        out.put("at", WireFormat.time(e.at()));
        out.put("moderator", e.moderator());
        out.put("action", e.action().wireName());
        out.put("messageId", e.messageId().map(UUID::toString).orElse(null));
        out.put("guestId", e.guestId().map(UUID::toString).orElse(null));
        out.put("targetId", e.targetId().map(UUID::toString).orElse(null));
        out.put("reason", e.reason().orElse(null));
        return out;
    }
}
