package org.openworldchat.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.ratelimit.AddressKey;

/**
 * Who gets the image decoder next. Decodes here are latches the test opens, and time is a
 * counter the test moves, so the order is exact.
 */
class DecodeSchedulerTest {

    private static final AddressKey HEAVY = new AddressKey("heavy", Optional.empty());
    private static final AddressKey OTHER_HEAVY = new AddressKey("other-heavy", Optional.empty());
    private static final AddressKey NEWCOMER = new AddressKey("newcomer", Optional.empty());

    /** A thread per decode: the common pool has one thread on a two-core machine. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    private final AtomicLong now = new AtomicLong();
    private final List<CountDownLatch> toOpen = new ArrayList<>();

    @AfterEach
    void openEverything() {
        toOpen.forEach(CountDownLatch::countDown);
    }

    @Test
    void theNextPermitGoesToTheAddressThatUsedTheDecoderLeast() throws Exception {
        DecodeScheduler scheduler = new DecodeScheduler(1, 10, Duration.ofMinutes(1), now::get);
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        // The heavy address has used the decoder for 10 s already.
        scheduler.run(HEAVY, () -> {
            now.addAndGet(TimeUnit.SECONDS.toNanos(10));
            return null;
        });
        CountDownLatch first = latch();
        CompletableFuture<Void> running = decode(scheduler, HEAVY, first, order, "heavy 1");
        await().until(() -> order.contains("heavy 1 started"));
        CompletableFuture<Void> heavyQueued = decode(scheduler, HEAVY, latch(true), order, "heavy 2");
        await().until(() -> scheduler.waiting() == 1);
        CompletableFuture<Void> newcomer = decode(scheduler, NEWCOMER, latch(true), order, "newcomer");
        await().until(() -> scheduler.waiting() == 2);

        first.countDown();
        CompletableFuture.allOf(running, heavyQueued, newcomer).get(5, TimeUnit.SECONDS);
        assertThat(order).containsSubsequence("heavy 1 started", "newcomer started", "heavy 2 started");
    }

    @Test
    void anAddressWithADecodeRunningGoesBehindOneWithNone() throws Exception {
        DecodeScheduler scheduler = new DecodeScheduler(2, 10, Duration.ofMinutes(1), now::get);
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch a = latch();
        CountDownLatch b = latch();
        CompletableFuture<Void> heavy1 = decode(scheduler, HEAVY, a, order, "heavy 1");
        CompletableFuture<Void> other1 = decode(scheduler, OTHER_HEAVY, b, order, "other 1");
        await().until(() -> order.contains("heavy 1 started") && order.contains("other 1 started"));
        CompletableFuture<Void> heavy2 = decode(scheduler, HEAVY, latch(true), order, "heavy 2");
        await().until(() -> scheduler.waiting() == 1);
        CompletableFuture<Void> newcomer = decode(scheduler, NEWCOMER, latch(true), order, "newcomer");
        await().until(() -> scheduler.waiting() == 2);

        b.countDown(); // the other heavy address finishes; the heavy one still decodes
        newcomer.get(5, TimeUnit.SECONDS);
        a.countDown();
        CompletableFuture.allOf(heavy1, other1, heavy2).get(5, TimeUnit.SECONDS);
        assertThat(order).containsSubsequence("other 1 started", "newcomer started", "heavy 2 started");
    }

    @Test
    void anAddressMayHaveOnlyAFewDecodesWaiting() {
        DecodeScheduler scheduler = new DecodeScheduler(1, 2, Duration.ofMinutes(1), now::get);
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        decode(scheduler, HEAVY, latch(), order, "running");
        await().until(() -> order.contains("running started"));
        decode(scheduler, HEAVY, latch(true), order, "waiting 1");
        decode(scheduler, HEAVY, latch(true), order, "waiting 2");
        await().until(() -> scheduler.waiting() == 2);

        assertThatThrownBy(() -> scheduler.run(HEAVY, () -> null))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(scheduler.waiting()).as("another address still gets in line").isEqualTo(2);
        decode(scheduler, NEWCOMER, latch(true), order, "newcomer");
        await().until(() -> scheduler.waiting() == 3);
    }

    @Test
    void aDecodeThatWaitsTooLongIsRefusedAndLeavesTheLine() {
        DecodeScheduler scheduler = new DecodeScheduler(0, 10, Duration.ofMillis(200), now::get);
        assertThatThrownBy(() -> scheduler.run(NEWCOMER, () -> null))
                .isInstanceOfSatisfying(ChatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(scheduler.waiting()).isZero();
    }

    @Test
    void aFailedDecodeGivesItsPermitBack() throws Exception {
        DecodeScheduler scheduler = new DecodeScheduler(1, 10, Duration.ofSeconds(5), now::get);
        assertThatThrownBy(() -> scheduler.run(HEAVY, () -> {
            throw new IllegalStateException("corrupt");
        })).hasMessage("corrupt");
        assertThat(CompletableFuture.supplyAsync(() -> scheduler.run(NEWCOMER, () -> "decoded"), THREADS).get(5, TimeUnit.SECONDS))
                .isEqualTo("decoded");
    }

    private CountDownLatch latch() {
        return latch(false);
    }

    private CountDownLatch latch(boolean open) {
        CountDownLatch latch = new CountDownLatch(open ? 0 : 1);
        toOpen.add(latch);
        return latch;
    }

    private static CompletableFuture<Void> decode(DecodeScheduler scheduler, AddressKey address, CountDownLatch until,
                                                  List<String> order, String name) {
        return CompletableFuture.runAsync(() -> scheduler.run(address, () -> {
            order.add(name + " started");
            try {
                until.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }), THREADS);
    }
}
