package org.openworldchat.bench;

/**
 * Message contents: {@code t=<System.nanoTime() at send>;} padded with 'x' to a fixed length, so
 * every server sends frames of the same size and probes in this JVM can compute end-to-end latency.
 */
final class Content {
    private final int length;

    Content(int length) {
        this.length = length;
    }

    String stamped(long nanos) {
        StringBuilder sb = new StringBuilder(length + 2);
        sb.append("t=").append(nanos).append(';');
        while (sb.length() < length) {
            sb.append('x');
        }
        return sb.toString();
    }

    String payload(long nanos) {
        return "{\"content\":\"" + stamped(nanos) + "\"}";
    }
}
