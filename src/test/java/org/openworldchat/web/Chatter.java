package org.openworldchat.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/** Another person in the chat, outside the browser: a named guest with a Socket.IO client. */
final class Chatter implements AutoCloseable {

    private final TestApp app;
    private final String cookie;
    private final ChatClient client;

    private Chatter(TestApp app, String cookie, ChatClient client) {
        this.app = app;
        this.cookie = cookie;
        this.client = client;
    }

    static Chatter named(TestApp app, String username) {
        String cookie = Http.cookiePair(app.http().get("/api/session").header("set-cookie"));
        ChatClient client = ChatClient.connect(app.baseUrl(), cookie);
        client.setUsername(username);
        client.join();
        return new Chatter(app, cookie, client);
    }

    ChatClient client() {
        return client;
    }

    JsonNode say(String text) {
        return send(Map.of("content", text));
    }

    JsonNode reply(JsonNode parent, String text) {
        return send(Map.of("content", text, "replyToMessageId", parent.get("id").asText()));
    }

    JsonNode sayWithImage(String text, byte[] png) {
        TestImages.Multipart form = TestImages.multipart("image", "photo.png", "image/png", png);
        Http.Reply upload = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                .header("Content-Type", form.contentType())
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
                .build());
        if (upload.status() != 201) {
            throw new AssertionError("upload refused: " + upload.body());
        }
        return send(Map.of("content", text, "imageUrl", upload.json().get("imageUrl").asText()));
    }

    void react(JsonNode message, String emoji) {
        ChatClient.ok(client.emit("SEND_REACTION", Map.of("messageId", message.get("id").asText(), "emoji", emoji)));
    }

    private JsonNode send(Map<String, String> fields) {
        Map<String, String> payload = new HashMap<>(fields);
        payload.put("clientMessageId", UUID.randomUUID().toString());
        return ChatClient.ok(client.emit("SEND_MESSAGE", payload)).get("message");
    }

    @Override
    public void close() {
        client.close();
    }
}
