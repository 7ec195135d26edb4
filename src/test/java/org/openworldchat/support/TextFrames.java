package org.openworldchat.support;

import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A websocket listener that keeps the text frames it receives, whole, for a test to read in order. */
public final class TextFrames implements WebSocket.Listener {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final Duration wait;

    public TextFrames(Duration wait) {
        this.wait = wait;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    /** The next frame; fails the test when none comes in time. */
    public String next() throws InterruptedException {
        String frame = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("no websocket frame within " + wait);
        }
        return frame;
    }

    /** The next frame that starts with {@code prefix}, skipping the others (pings, broadcasts). */
    public String nextStartingWith(String prefix) throws InterruptedException {
        String frame;
        do {
            frame = next();
        } while (!frame.startsWith(prefix));
        return frame;
    }
}
