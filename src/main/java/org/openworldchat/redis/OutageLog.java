package org.openworldchat.redis;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Logs a dependency going away once, and coming back once, instead of once per failed call:
 * during a Redis outage every message would otherwise add a stack trace to the log.
 */
public final class OutageLog {

    private final Logger log;
    private final String what;
    private final AtomicBoolean down = new AtomicBoolean();

    public OutageLog(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    public void failed(Throwable cause) {
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
}
