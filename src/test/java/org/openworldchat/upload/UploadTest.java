package org.openworldchat.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/** POST /api/uploads and images in messages, against the server's default local-disk store. */
abstract class UploadContract {

    abstract TestApp app();

    String cookie() {
        return Http.cookiePair(app().http().get("/api/session").header("set-cookie"));
    }

    Http.Reply upload(String cookie, TestImages.Multipart form) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app().baseUrl() + "/api/uploads"))
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return app().http().send(b.build());
    }

    Http.Reply upload(String cookie, byte[] file) {
        return upload(cookie, TestImages.multipart("image", "photo.jpg", "image/jpeg", file));
    }

    @Test
    void storesAJpegWithoutItsGpsPosition() {
        byte[] photo = TestImages.jpegWithGps(640, 480, 2.2945, 48.8584);
        assertThat(TestImages.gpsOf(photo)).as("the test photo has a position").isNotNull();
        Http.Reply reply = upload(cookie(), photo);
        assertThat(reply.status()).isEqualTo(201);
        JsonNode body = reply.json();
        assertThat(body.get("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(body.get("width").asInt()).isEqualTo(640);
        assertThat(body.get("height").asInt()).isEqualTo(480);
        String url = body.get("imageUrl").asText();
        assertThat(url).matches("/uploads/[A-Za-z0-9_-]{22}\\.jpg");

        java.net.http.HttpResponse<byte[]> image = fetch(url);
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("content-type")).contains("image/jpeg");
        assertThat(image.headers().firstValue("x-content-type-options")).contains("nosniff");
        assertThat(image.headers().firstValue("cache-control")).contains("private, no-cache");
        assertThat(image.body().length).isEqualTo(body.get("size").asInt());
        assertThat(TestImages.gpsOf(image.body())).as("GPS removed").isNull();
    }

    @Test
    void theTypeComesFromTheBytesNotTheName() {
        byte[] png = TestImages.png(30, 20);
        Http.Reply reply = upload(cookie(), TestImages.multipart("image", "cat.jpg", "image/jpeg", png));
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json().get("contentType").asText()).isEqualTo("image/png");
        assertThat(reply.json().get("imageUrl").asText()).endsWith(".png");

        Http.Reply text = upload(cookie(), TestImages.multipart("image", "cat.png", "image/png",
                "<svg onload=alert(1)>".getBytes(StandardCharsets.UTF_8)));
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.json().at("/error/code").asText()).isEqualTo("UNSUPPORTED_IMAGE_TYPE");
    }

    @Test
    void storesAWebpWithoutItsMetadata() {
        byte[] webp = CraftedImages.riff(List.of(CraftedImages.vp8x(0x08, 48, 32),
                new CraftedImages.Chunk("VP8L", CraftedImages.vp8lSolid(48, 32, 0xFF3366CC)),
                CraftedImages.Chunk.of("EXIF", "MM\0*\0\0\0\10secret GPS 48.8584 2.2945")));
        Http.Reply reply = upload(cookie(), TestImages.multipart("image", "sticker.webp", "image/webp", webp));
        assertThat(reply.status()).isEqualTo(201);
        JsonNode body = reply.json();
        assertThat(body.get("contentType").asText()).isEqualTo("image/webp");
        assertThat(body.get("width").asInt()).isEqualTo(48);
        assertThat(body.get("height").asInt()).isEqualTo(32);
        String url = body.get("imageUrl").asText();
        assertThat(url).matches("/uploads/[A-Za-z0-9_-]{22}\\.webp");

        java.net.http.HttpResponse<byte[]> image = fetch(url);
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("content-type")).contains("image/webp");
        assertThat(image.body().length).isEqualTo(body.get("size").asInt());
        assertThat(CraftedImages.containsText(image.body(), "secret")).as("EXIF removed").isFalse();
        BufferedImage stored = CraftedImages.decode(image.body());
        assertThat(stored.getWidth()).isEqualTo(48);
        assertThat(stored.getRGB(47, 31)).isEqualTo(0xFF3366CC);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() throws IOException {
        // 2^31: one more than an int holds. Not a byte of the body is sent, so only the headers can be judged.
        try (Socket socket = new Socket("127.0.0.1", app().port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie() + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 2147483648\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413").contains("\"FILE_TOO_LARGE\"");
        }
        assertThat(app().http().get("/health").status()).isEqualTo(200);
    }

    @Test
    void refusals() {
        assertThat(upload(null, TestImages.png(4, 4)).status()).isEqualTo(401);
        assertThat(upload(null, TestImages.png(4, 4)).json().at("/error/code").asText()).isEqualTo("NO_SESSION");
        assertThat(upload("owc_guest=forged", TestImages.png(4, 4)).status()).isEqualTo(401);

        byte[] jpeg = TestImages.jpeg(100, 100);
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        Http.Reply corrupt = upload(cookie(), truncated);
        assertThat(corrupt.status()).isEqualTo(400);
        assertThat(corrupt.json().at("/error/code").asText()).isEqualTo("INVALID_IMAGE");

        Http.Reply wrongField = upload(cookie(), TestImages.multipart("file", "a.png", "image/png", TestImages.png(4, 4)));
        assertThat(wrongField.status()).isEqualTo(400);
        assertThat(wrongField.json().at("/error/code").asText()).isEqualTo("INVALID_PAYLOAD");

        Http.Reply notMultipart = app().http().send(HttpRequest.newBuilder(URI.create(app().baseUrl() + "/api/uploads"))
                .header("Cookie", cookie()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(notMultipart.status()).isEqualTo(400);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() {
        Http.Reply bomb = upload(cookie(), pngClaiming(50_000, 50_000));
        assertThat(bomb.status()).isEqualTo(400);
        assertThat(bomb.json().at("/error/code").asText()).isEqualTo("INVALID_IMAGE");
    }

    @Test
    void overFiveMegabytesIsRefused() {
        byte[] big = new byte[5 * 1024 * 1024 + 1];
        byte[] png = TestImages.png(8, 8);
        System.arraycopy(png, 0, big, 0, png.length);
        Http.Reply reply = upload(cookie(), big);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("FILE_TOO_LARGE");
    }

    @Test
    void aHugeStreamedUploadIsCutOffEarly() throws IOException {
        // Chunked, so the server cannot know the size up front: it must stop reading near 5 MiB.
        try (Socket socket = new Socket("127.0.0.1", app().port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie() + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            String chunkHead = Integer.toHexString(chunk.length) + "\r\n";
            long sent = 0;
            try {
                for (int i = 0; i < 32 * 1024; i++) { // up to 2 GiB
                    out.write(chunkHead.getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                    if (socket.getInputStream().available() > 0) {
                        break;
                    }
                }
            } catch (IOException closedByServer) {
                // expected once the server has answered and closed
            }
            assertThat(sent).as("the server stopped the upload near the limit").isLessThan(64L * 1024 * 1024);
            InputStream in = socket.getInputStream();
            String response = new String(in.readNBytes(512), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 413");
        }
        assertThat(app().http().get("/health").status()).isEqualTo(200);
    }

    @Test
    void onlyTheUploaderMayPostTheImage() throws Exception {
        try (ChatClient owner = app().writer("pic_owner_" + suffix()); ChatClient thief = app().writer("pic_thief_" + suffix())) {
            String ownerCookie = Http.cookiePair(owner.issuedCookie());
            String url = upload(ownerCookie, TestImages.png(64, 48)).json().get("imageUrl").asText();

            assertThat(ChatClient.errorCode(thief.emit("SEND_MESSAGE", Map.of("imageUrl", url)))).isEqualTo("INVALID_IMAGE_URL");
            Map<String, Object> payload = new HashMap<>();
            payload.put("imageUrl", url);
            JsonNode message = ChatClient.ok(owner.emit("SEND_MESSAGE", payload)).get("message");
            assertThat(message.get("imageUrl").asText()).isEqualTo(url);
            assertThat(message.get("content").asText()).isEmpty();
            JsonNode captioned = ChatClient.ok(owner.emit("SEND_MESSAGE", Map.of("imageUrl", url, "content", "look"))).get("message");
            assertThat(captioned.get("content").asText()).isEqualTo("look");

            try (Connection c = app().sql(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT message_id FROM uploads WHERE key = '" + url.substring(url.lastIndexOf('/') + 1) + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(message.get("id").asText());
            }
        }
    }

    @Test
    void unknownImagesAre404() {
        assertThat(app().http().get("/uploads/AAAAAAAAAAAAAAAAAAAAAA.png").status()).isEqualTo(404);
        assertThat(app().http().get("/uploads/..%2F..%2Fetc%2Fpasswd").status()).isEqualTo(404);
        assertThat(app().http().get("/uploads/").status()).isEqualTo(404);
    }

    private static String suffix() {
        return Long.toString(System.nanoTime() % 100000);
    }

    java.net.http.HttpResponse<byte[]> fetch(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(app().baseUrl() + url)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One HTTP response, headers and body, read up to its Content-Length (a read timing out fails the test). */
    static String readResponse(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(headers);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return headers + new String(body, StandardCharsets.UTF_8);
    }

    /** A tiny PNG whose header claims a huge size (a decompression bomb's calling card). */
    static byte[] pngClaiming(int width, int height) {
        byte[] png = TestImages.png(1, 1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }
}

class UploadTest extends UploadContract {

    @org.junit.jupiter.api.extension.RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Override
    TestApp app() {
        return app;
    }

    @Test
    void aSlowUploadIsNotCutOff() throws Exception {
        // A phone photo on a slow uplink: the body takes longer than the library's 5 s first-data timeout.
        TestImages.Multipart form = TestImages.multipart("image", "slow.png", "image/png", TestImages.png(64, 48));
        try (Socket socket = new Socket("127.0.0.1", app().port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie() + "\r\n"
                    + "Content-Type: " + form.contentType() + "\r\nContent-Length: " + form.body().length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int pieces = 4;
            int step = (form.body().length + pieces - 1) / pieces;
            for (int from = 0; from < form.body().length; from += step) {
                Thread.sleep(2_000);
                out.write(form.body(), from, Math.min(step, form.body().length - from));
                out.flush();
            }
            String response = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(response).isEqualTo("HTTP/1.1 201");
        }
    }
}
