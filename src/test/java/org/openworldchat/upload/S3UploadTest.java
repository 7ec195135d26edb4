package org.openworldchat.upload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.S3MockServer;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/** The same upload contract with images stored in an S3-compatible server (S3Mock). */
class S3UploadTest extends UploadContract {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(S3MockServer.get().env());

    @Override
    TestApp app() {
        return app;
    }

    @Test
    void theObjectIsInTheBucketWithItsContentType() throws Exception {
        String url = upload(cookie(), TestImages.png(10, 10)).json().get("imageUrl").asText();
        String key = url.substring(url.lastIndexOf('/') + 1);
        java.net.http.HttpResponse<byte[]> direct = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        S3MockServer.get().endpoint() + "/" + S3MockServer.BUCKET + "/" + key)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(direct.headers().firstValue("content-type")).contains("image/png");
        assertThat(app.http().get("/metrics").body()).as("the bucket answers").containsPattern("(?m)^owc_image_store_up 1\\.0$");
    }
}
