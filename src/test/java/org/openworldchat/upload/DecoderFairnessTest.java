package org.openworldchat.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/**
 * Six addresses keep the image decoder busy with the dearest images the limits allow (25
 * megapixels of 16-bit colour in a few hundred kilobytes); a seventh address's photo must not
 * wait for their queue. Behind a trusted proxy, so that one test machine can be seven addresses.
 */
class DecoderFairnessTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of("TRUST_PROXY", "true"));

    private static final int ATTACKERS = 6;
    private static final int UPLOADS_AT_ONCE_PER_ATTACKER = 3;

    @Test
    void aPhotoFromAnotherAddressDoesNotWaitForTheHeavyQueue() throws Exception {
        byte[] heavy = TestImages.heavyPng(5_000, 5_000);
        assertThat(heavy.length).as("cheap to send").isLessThan(1024 * 1024);
        String cookie = Http.cookiePair(app.http().get("/api/session").header("set-cookie"));
        byte[] photo = TestImages.jpeg(1_200, 900);
        assertThat(upload(cookie, "198.51.100.7", photo).status()).as("warm-up").isEqualTo(201);
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicInteger heavyDecoded = new AtomicInteger();
        ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int a = 1; a <= ATTACKERS; a++) {
                String address = "203.0.113." + a;
                for (int i = 0; i < UPLOADS_AT_ONCE_PER_ATTACKER; i++) {
                    attackers.execute(() -> {
                        while (attacking.get()) {
                            Http.Reply reply = upload(cookie, address, heavy);
                            if (reply.status() == 201) {
                                heavyDecoded.incrementAndGet();
                            } else {
                                // Refused for having enough queued: back as soon as allowed.
                                pause(reply.json().at("/error/retryAfterMs").asLong(100));
                            }
                        }
                    });
                }
            }
            Thread.sleep(3_000); // the heavy queue fills up
            List<Duration> waits = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                Http.Reply reply = upload(cookie, "198.51.100.7", photo);
                waits.add(Duration.ofNanos(System.nanoTime() - start));
                assertThat(reply.status()).as(reply.body()).isEqualTo(201);
            }
            System.out.println("photo uploads during the attack took " + waits + "; heavy images decoded: " + heavyDecoded);
            assertThat(heavyDecoded.get()).as("the attack really used the decoder").isPositive();
            // With one queue in arrival order the photo waited behind every heavy image queued
            // before it: 18 of them, over two decoders.
            assertThat(waits).as("the photo waited at most about one heavy decode")
                    .allSatisfy(wait -> assertThat(wait).isLessThan(Duration.ofSeconds(5)));
        } finally {
            attacking.set(false);
            attackers.shutdown();
            attackers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Http.Reply upload(String cookie, String address, byte[] file) {
        TestImages.Multipart form = TestImages.multipart("image", "photo", "image/png", file);
        return app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                .timeout(Duration.ofMinutes(1))
                .header("Content-Type", form.contentType())
                .header("Cookie", cookie)
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
                .build());
    }
}
