package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    @Test
    void runsOneSocketsEventsInOrderAndBoundsWhatWaits() throws Exception {
        ExecutorService shared = Executors.newVirtualThreadPerTaskExecutor();
        try {
            SerialExecutor serial = new SerialExecutor(shared, 3);
            CountDownLatch release = new CountDownLatch(1);
            List<Integer> ran = new CopyOnWriteArrayList<>();
            CountDownLatch started = new CountDownLatch(1);
            serial.execute(() -> {
                started.countDown();
                await(release);
                ran.add(0);
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 3; i++) {
                int n = i;
                serial.execute(() -> ran.add(n));
            }
            assertThatThrownBy(() -> serial.execute(() -> ran.add(99))).isInstanceOf(RejectedExecutionException.class);
            release.countDown();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> ran.size() == 4);
            assertThat(ran).containsExactly(0, 1, 2, 3);
            // An event counts as waiting until its run has returned, a moment after its effect shows.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> serial.pending() == 0);
            serial.execute(() -> ran.add(4));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> ran.size() == 5);
        } finally {
            shared.shutdownNow();
        }
    }

    /**
     * A server that stops shuts its shared executor down while sockets still have events queued:
     * each is still run (and so answered), even past the fair share, where a run would normally
     * queue itself again; a new event is refused and never runs later.
     */
    @Test
    void everyAcceptedEventRunsWhileTheSharedExecutorStops() throws Exception {
        ExecutorService shared = Executors.newVirtualThreadPerTaskExecutor();
        SerialExecutor serial = new SerialExecutor(shared, 64);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        serial.execute(() -> {
            started.countDown();
            await(release);
            ran.add(0);
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        int queued = 3 * SerialExecutor.FAIR_SHARE;
        for (int i = 1; i <= queued; i++) {
            int n = i;
            serial.execute(() -> ran.add(n));
        }
        shared.shutdown();
        release.countDown();
        assertThat(shared.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(queued + 1).isSorted();
        assertThat(serial.pending()).isZero();
        assertThatThrownBy(() -> serial.execute(() -> ran.add(99))).isInstanceOf(RejectedExecutionException.class);
        assertThat(serial.pending()).as("the refused event is not kept").isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A socket whose queue never empties (a flood of refused events) must not keep the thread to itself. */
    @Test
    void aQueueThatNeverEmptiesStillLetsOtherWorkRun() throws Exception {
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        try {
            SerialExecutor flooding = new SerialExecutor(oneThread, 64);
            Runnable[] refill = new Runnable[1];
            refill[0] = () -> {
                if (!stop.get()) {
                    flooding.execute(refill[0]);
                }
            };
            flooding.execute(refill[0]);
            flooding.execute(refill[0]);
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> { }, oneThread);
            other.get(5, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            oneThread.shutdownNow();
        }
    }
}
