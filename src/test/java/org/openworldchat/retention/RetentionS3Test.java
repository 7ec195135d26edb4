package org.openworldchat.retention;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.S3MockServer;
import org.openworldchat.support.TestApp;

/** The retention of images with the images in an S3-compatible store (S3Mock). */
class RetentionS3Test extends ImageRetentionContract {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(S3MockServer.get().env());

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    TestApp app() {
        return app;
    }

    /** Asks the bucket itself, not the server. */
    @Override
    boolean stored(String key) throws Exception {
        URI object = URI.create(S3MockServer.get().endpoint() + "/" + S3MockServer.BUCKET + "/" + key);
        int status = http.send(HttpRequest.newBuilder(object).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200 && status != 404) {
            throw new AssertionError("S3Mock answered " + status + " for " + key);
        }
        return status == 200;
    }
}
