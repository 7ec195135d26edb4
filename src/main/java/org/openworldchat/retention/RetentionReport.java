package org.openworldchat.retention;

import java.time.Duration;

/** What one retention run removed, and how long it took. */
public record RetentionReport(long messages, long images, long guests, Duration duration) {
}
