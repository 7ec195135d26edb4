package org.openworldchat.realtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openworldchat.message.Message;
import org.openworldchat.message.ReactionSummary;
import org.openworldchat.reaction.ReactionService;
import org.openworldchat.reaction.ReactionUpdate;

/** The contract's JSON shapes, built once here for acks, broadcasts and HTTP alike. */
public final class WireFormat {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Writes JSON as the acks, broadcasts and HTTP answers do (UTF-8, no indentation), to measure it. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireFormat() {
    }

    /** ISO-8601 UTC with exactly three fraction digits, e.g. {@code 2026-11-24T21:04:05.120Z}. */
    public static String time(Instant instant) {
        return TIME.format(instant);
    }

    public static Map<String, Object> message(Message m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id().toString());
        out.put("content", m.content());
        out.put("imageUrl", m.imageUrl());
        out.put("senderId", m.senderId().toString());
        out.put("senderName", m.senderName());
        out.put("replyToMessageId", text(m.replyToMessageId()));
        out.put("replyTo", m.replyTo() == null ? null : replyTo(m.replyTo()));
        ReactionSummary reactions = m.reactions();
        out.put("reactions", reactions(reactions.firstReactors()));
        out.put("reactionCounts", reactions.counts());
        out.put("myReactions", reactions.mine());
        out.put("createdAt", time(m.createdAt()));
        out.put("expiresAt", time(m.expiresAt()));
        out.put("clientMessageId", text(m.clientMessageId()));
        return out;
    }

    public static List<Map<String, Object>> messages(List<Message> messages) {
        return messages.stream().map(WireFormat::message).toList();
    }

    /** The bytes of a message object as sent (UTF-8 JSON), to keep answers within their bound. */
    public static int encodedSize(Message m) {
        Counting counted = new Counting();
        try {
            JSON.writeValue(counted, message(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counted.bytes;
    }

    public static Map<String, List<String>> reactions(Map<String, List<UUID>> reactions) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        reactions.forEach((emoji, ids) -> out.put(emoji, ids.stream().map(UUID::toString).toList()));
        return out;
    }

    /** {@code MESSAGE_REACTION_UPDATED}: {@code {messageId, changes: [{emoji, guestId, added}], reactionCounts}}. */
    public static Map<String, Object> reactionUpdate(ReactionUpdate update) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messageId", update.messageId().toString());
        out.put("changes", update.changes().stream().map(c -> {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("emoji", c.emoji());
            change.put("guestId", c.guestId().toString());
            change.put("added", c.added());
            return change;
        }).toList());
        out.put("reactionCounts", update.counts());
        return out;
    }

    /** The {@code SEND_REACTION} ack's fields: {@code {messageId, emoji, added, reactionCounts}}. */
    public static Map<String, Object> toggled(ReactionService.Toggled toggled) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messageId", toggled.messageId().toString());
        out.put("emoji", toggled.emoji());
        out.put("added", toggled.added());
        out.put("reactionCounts", toggled.counts());
        return out;
    }

    /** A page of reactors: {@code {guestIds, hasMore}}. */
    public static Map<String, Object> reactors(ReactionService.ReactorPage page) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guestIds", page.guestIds().stream().map(UUID::toString).toList());
        out.put("hasMore", page.hasMore());
        return out;
    }

    private static Map<String, Object> replyTo(Message.ReplyPreview p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", p.id().toString());
        out.put("senderName", p.senderName());
        out.put("content", p.content());
        out.put("imageUrl", p.imageUrl());
        return out;
    }

    private static String text(UUID id) {
        return id == null ? null : id.toString();
    }

    /** Counts what is written to it and keeps nothing. */
    private static final class Counting extends OutputStream {
        int bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
