package org.openworldchat.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a dependency going away once, and coming back once, instead of once per failed call:
 * during a Redis outage every message would otherwise add a stack trace to the log. It also
 * tells callers when to skip the dependency: a Redis that is frozen rather than gone answers
 * nothing until each command's timeout, and every send would wait that long.
 */
public final class OutageLog {

    /** After a failure, calls go straight to their fallback for this long; then one call tries again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Logger log;
    private final String what;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong nextTry = new AtomicLong(System.nanoTime());

    public OutageLog(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    public void failed(Throwable cause) {
        nextTry.set(System.nanoTime() + RETRY_AFTER.toNanos());
        if (down.compareAndSet(false, true)) {
            log.atWarn().addKeyValue("error", String.valueOf(cause.getMessage()))
                    .log(what + " unavailable; continuing on this node alone until it returns");
        }
    }

    public void succeeded() {
        if (down.compareAndSet(true, false)) {
            log.info("{} is back", what);
        }
    }

    public boolean isDown() {
        return down.get();
    }

    /**
     * Whether to call the dependency now: always while it works; after a failure, once per
     * {@link #RETRY_AFTER} (one caller gets to probe it, the others use their fallback at once).
     */
    public boolean worthTrying() {
        if (!down.get()) {
            return true;
        }
        long next = nextTry.get();
        return System.nanoTime() - next >= 0 && nextTry.compareAndSet(next, System.nanoTime() + RETRY_AFTER.toNanos());
    }
}
