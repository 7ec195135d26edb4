package org.openworldchat.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading Socket.IO ack packets ({@code 43<id>[{...}]}) without a JSON library. The generator's own
 * message contents never contain quotes, so plain substring tests are unambiguous.
 */
final class Acks {
    private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Acks() {}

    static boolean isAck(String packet) {
        return packet.startsWith("43");
    }

    /** The ack id, or -1 when the packet is not an ack. */
    static int id(String packet) {
        if (!isAck(packet)) {
            return -1;
        }
        int i = 2;
        int v = 0;
        while (i < packet.length() && Character.isDigit(packet.charAt(i))) {
            v = v * 10 + (packet.charAt(i++) - '0');
        }
        return i == 2 ? -1 : v;
    }

    static boolean ok(String packet) {
        return packet.contains("\"ok\":true");
    }

    static String errorCode(String packet) {
        Matcher m = CODE.matcher(packet);
        return m.find() ? m.group(1) : "UNKNOWN(" + packet.substring(0, Math.min(120, packet.length())) + ")";
    }

    /** The {@code id} of the message object in a SEND_MESSAGE ack. */
    static String messageId(String packet) {
        int m = packet.indexOf("\"message\":");
        int id = packet.indexOf("\"id\":\"", m);
        return m < 0 || id < 0 ? null : packet.substring(id + 6, id + 6 + 36);
    }

    static Pattern uuidPattern() {
        return UUID;
    }
}
