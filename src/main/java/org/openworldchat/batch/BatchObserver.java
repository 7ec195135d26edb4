package org.openworldchat.batch;

import java.time.Duration;

/** Hears about every batch a {@link BatchingQueue} handled: how many items, and how long it took. */
@FunctionalInterface
public interface BatchObserver {

    BatchObserver NONE = (queue, items, took) -> {
    };

    void handled(String queue, int items, Duration took);
}
