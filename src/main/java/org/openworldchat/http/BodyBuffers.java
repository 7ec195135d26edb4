package org.openworldchat.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.ratelimit.AddressKey;

/**
 * Bounds the bytes of request bodies the node holds in memory, per client address and in total,
 * from a body's first byte until its request is answered. Without it, slow uploads that never
 * finish held their bytes as long as their clients kept sending: 40 unfinished 5 MiB uploads from
 * one address held 220 MB. An IPv6 /64 counts as one address here, so that rotating through its
 * addresses does not widen the bound.
 */
final class BodyBuffers {

    private final long perAddress;
    private final long total;
    private final Map<String, Long> byAddress = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();

    BodyBuffers(long perAddress, long total) {
        this.perAddress = perAddress;
        this.total = total;
    }

    /** A new request's share, empty until its body arrives. */
    Share open(AddressKey address) {
        return new Share(address.network().orElse(address.host()));
    }

    /** Bytes held now, on the whole node. */
    long held() {
        return held.get();
    }

    /** What one request holds; released once, whoever releases it (the event loop or the worker that answered). */
    final class Share {
        private final String key;
        private long bytes;
        private boolean released;

        private Share(String key) {
            this.key = key;
        }

        /**
         * Takes {@code more} bytes for this request; null when they fit, else the refusal: the
         * address's own bound is {@code RATE_LIMITED}, the node's is {@code SERVICE_UNAVAILABLE}.
         * Nothing is taken when refused.
         */
        synchronized ErrorCode take(int more) {
            if (released) {
                return ErrorCode.SERVICE_UNAVAILABLE;
            }
            boolean[] fits = {false};
            byAddress.compute(key, (k, current) -> {
                long now = current == null ? 0 : current;
                fits[0] = now + more <= perAddress;
                long next = fits[0] ? now + more : now;
                return next == 0 ? null : next;
            });
            if (!fits[0]) {
                return ErrorCode.RATE_LIMITED;
            }
            if (held.addAndGet(more) > total) {
                held.addAndGet(-more);
                give(more);
                return ErrorCode.SERVICE_UNAVAILABLE;
            }
            bytes += more;
            return null;
        }

        /** Gives back everything this request took; later calls do nothing. */
        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            held.addAndGet(-bytes);
            give(bytes);
            bytes = 0;
        }

        private void give(long amount) {
            if (amount > 0) {
                byAddress.computeIfPresent(key, (k, current) -> current <= amount ? null : current - amount);
            }
        }
    }
}
