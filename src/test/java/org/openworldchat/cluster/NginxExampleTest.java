package org.openworldchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.LocalAddressSockets;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.RequiredServices;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;
import org.openworldchat.support.TestRedis;

/**
 * deploy/nginx.conf, the example docs/DEPLOYMENT.md gives, as an operator would use it: included
 * in the {@code http} block of an nginx.conf, with only the machine's own parts changed (the node
 * addresses, the listen ports, the certificate paths). A real nginx (the machine's, Debian's
 * package on CI) checks it with {@code nginx -t} and runs it in front of two nodes that share one
 * database and one Redis; real Socket.IO clients talk to the nodes through it over HTTPS, by
 * websocket and by long polling.
 *
 * <p>The clients reach nginx as {@code https://chat.example.com:<port>}: their own resolver maps
 * that name, and only that name, to 127.0.0.1, so the certificate (self-signed, made here) is
 * checked against the name as a browser would check it, and nothing leaves the machine.
 */
class NginxExampleTest {

    private static final Path EXAMPLE = Path.of("deploy", "nginx.conf");
    private static final String HOST = "chat.example.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The production default of MAX_CONNECTIONS_PER_IP. */
    private static final int CONNECTIONS_PER_ADDRESS = 64;

    static Path dir;
    static Path nginxBinary;
    static DatabaseUrl database;
    static TestApp node1;
    static TestApp node2;
    static Process nginx;
    static int httpPort;
    static int httpsPort;
    static String base;
    static OkHttpClient https;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = findNginx();
        RequiredServices.assume(binary.isPresent(), "nginx (Debian's package nginx; .ci/run installs it)");
        nginxBinary = binary.get();
        String redis = TestRedis.url();

        dir = Files.createTempDirectory("owc-nginx");
        httpPort = freePort();
        httpsPort = freePort();
        base = "https://" + HOST + ":" + httpsPort;
        X509Certificate certificate = makeCertificate();
        https = trustingClient(certificate);

        // Each node as the comment at the top of the example says, with the production cap on
        // connections per client address (the test harness raises it, as all its clients share one).
        database = TestDatabases.create();
        Map<String, String> env = Map.of(
                "REDIS_URL", redis,
                "REDIS_PREFIX", TestRedis.freshPrefix(),
                "TRUST_PROXY", "true",
                "PUBLIC_BASE_URL", base,
                "COOKIE_SECURE", "true",
                "MAX_CONNECTIONS_PER_IP", String.valueOf(CONNECTIONS_PER_ADDRESS));
        MutableClock clock = new MutableClock();
        node1 = TestApp.start(database, clock, env);
        node2 = TestApp.start(database, clock, env);

        Files.writeString(dir.resolve("owc.conf"), operatorsCopy(Files.readString(EXAMPLE)));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, mainConfig());

        Result check = runNginx(60, "-t", "-c", conf.toString());
        assertThat(check.exitCode()).as("nginx -t on the example\n%s", check.output()).isZero();
        assertThat(check.output()).as("nginx -t").contains("syntax is ok").contains("test is successful");

        nginx = new ProcessBuilder(nginxCommand("-c", conf.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        awaitListening();
    }

    @AfterAll
    static void stop() throws Exception {
        List<String> problems = List.of();
        if (nginx != null) {
            problems = nginxProblems();
            List<ProcessHandle> workers = nginx.descendants().toList();
            nginx.destroy(); // SIGTERM: nginx's fast shutdown, workers included
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                workers.forEach(ProcessHandle::destroyForcibly);
                nginx.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (node1 != null) {
            node1.close();
        }
        if (node2 != null) {
            node2.close();
        }
        if (database != null) {
            TestDatabases.drop(database);
        }
        if (dir != null) {
            // nginx's logs stay behind for a failure's reader; the rest goes.
            Path logs = Files.createDirectories(Path.of("target", "nginx-example"));
            for (String log : List.of("error.log", "access.log", "nginx.out", "nginx.conf", "owc.conf")) {
                if (Files.exists(dir.resolve(log))) {
                    Files.copy(dir.resolve(log), logs.resolve(log), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // A client that reconnected or a request nginx retried on the other node can go unseen by
        // the tests; nginx's log tells (a failed upstream, a node taken out of service).
        assertThat(problems).as("errors and warnings in nginx's log (target/nginx-example/error.log)").isEmpty();
    }

    /** Lines of nginx's error log at warn or worse, but those the tests cause on purpose. */
    private static List<String> nginxProblems() throws IOException {
        Path log = dir.resolve("error.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream()
                .filter(line -> line.matches(".*\\[(warn|error|crit|alert|emerg)\\].*"))
                .filter(line -> !line.contains("access forbidden by rule")) // /metrics from 127.0.0.1
                .filter(line -> !line.contains("\"listen ... http2\" directive is deprecated")) // nginx 1.25.1+
                .toList();
    }

    @Test
    void healthReadinessAndSessionAnswerThroughNginxOverHttp2() throws IOException {
        try (Response health = get("/health", null)) {
            assertThat(health.code()).isEqualTo(200);
            assertThat(health.protocol()).as("listen ... http2 in effect").isEqualTo(Protocol.HTTP_2);
            assertThat(json(health).get("status").asText()).isEqualTo("UP");
        }
        try (Response ready = get("/ready", null)) {
            assertThat(ready.code()).isEqualTo(200);
            assertThat(json(ready).at("/checks/redis").asText()).isEqualTo("UP");
        }
        String cookie;
        String guestId;
        try (Response session = get("/api/session", null)) {
            assertThat(session.code()).isEqualTo(200);
            String setCookie = session.header("set-cookie");
            assertThat(setCookie).startsWith("owc_guest=").contains("Secure");
            cookie = Http.cookiePair(setCookie);
            guestId = json(session).get("guestId").asText();
        }
        try (Response again = get("/api/session", cookie)) {
            assertThat(again.code()).isEqualTo(200);
            assertThat(again.header("set-cookie")).as("the cookie was accepted").isNull();
            assertThat(json(again).get("guestId").asText()).isEqualTo(guestId);
        }
    }

    @Test
    void messagesCrossNginxOverWebsocketAndOverPolling() throws IOException {
        try (ChatClient ws = throughNginx(newGuest(), "websocket");
             ChatClient polling = throughNginx(newGuest(), "polling");
             // Starts on polling and upgrades to a websocket on the same node, as browsers do.
             ChatClient upgraded = ChatClient.connect(base, Map.of("Cookie", newGuest()), https, "polling", "websocket");
             ChatClient onNode1 = node1.client();
             ChatClient onNode2 = node2.client()) {
            ws.setUsername("nginx_ws");
            ws.join();
            polling.setUsername("nginx_polling");
            polling.join();
            onNode1.join();
            onNode2.join();

            // Everyone gets every message, its sender included.
            upgraded.join();
            List<ChatClient> everyone = List.of(ws, polling, upgraded, onNode1, onNode2);
            JsonNode fromWs = ws.send("through nginx by websocket");
            for (ChatClient reader : everyone) {
                assertThat(reader.next("NEW_MESSAGE").get("id")).isEqualTo(fromWs.get("id"));
            }
            // Several round trips over long polling: every poll and every send is its own request,
            // and each has to reach the node that holds the session.
            for (int i = 0; i < 5; i++) {
                JsonNode fromPolling = polling.send("through nginx by polling " + i);
                for (ChatClient reader : everyone) {
                    assertThat(reader.next("NEW_MESSAGE").get("id")).isEqualTo(fromPolling.get("id"));
                }
            }
            assertThat(ws.connected()).isTrue();
            assertThat(polling.connected()).isTrue();
        }
    }

    @Test
    void theGuestCookieSurvivesNginxOnBothTransports() throws IOException {
        String cookie = newGuest();
        String guestId;
        try (ChatClient ws = throughNginx(cookie, "websocket")) {
            ws.setUsername("kept_through_nginx");
            guestId = ws.join().get("guestId").asText();
        }
        try (ChatClient polling = throughNginx(cookie, "polling")) {
            JsonNode join = polling.join();
            assertThat(join.get("guestId").asText()).isEqualTo(guestId);
            assertThat(join.get("username").asText()).isEqualTo("kept_through_nginx");
        }
        try (Response session = get("/api/session", cookie)) {
            assertThat(session.header("set-cookie")).isNull();
            assertThat(json(session).get("username").asText()).isEqualTo("kept_through_nginx");
        }

        // A cookie the Socket.IO handshake issues passes nginx too, on either transport.
        for (String transport : List.of("polling", "websocket")) {
            String name = "issued_" + transport;
            String issued;
            try (ChatClient fresh = ChatClient.connect(base, Map.of(), https, transport)) {
                fresh.setUsername(name);
                issued = fresh.issuedCookie();
            }
            assertThat(issued).as("Set-Cookie of the %s handshake", transport).startsWith("owc_guest=").contains("Secure");
            try (Response session = get("/api/session", Http.cookiePair(issued))) {
                assertThat(json(session).get("username").asText()).isEqualTo(name);
            }
        }
    }

    /**
     * Every connection nginx opens to a node comes from nginx's own address, so the node caps the
     * client address nginx forwards instead. The clients connect from distinct local addresses
     * (127.0.0.10, 127.0.0.11, ...: all this machine), so nginx forwards distinct addresses; and
     * since {@code ip_hash} keys on the first three octets, they all reach the same node.
     */
    @Test
    void moreSocketsThanTheCapPassNginxAndEachClientAddressIsCapped() {
        List<ChatClient> clients = new ArrayList<>();
        try {
            int many = CONNECTIONS_PER_ADDRESS + 16;
            for (int i = 0; i < many; i++) {
                clients.add(ChatClient.connect(base, Map.of(), httpsFrom("127.0.0." + (10 + i)), "websocket"));
            }
            clients.get(0).setUsername("nginx_many");
            for (ChatClient client : clients) {
                client.join();
            }
            JsonNode message = clients.get(0).send("to every client behind nginx");
            for (ChatClient client : clients) {
                assertThat(client.next("NEW_MESSAGE").get("id")).isEqualTo(message.get("id"));
            }

            // One client address through nginx is held to the cap like any other.
            OkHttpClient one = httpsFrom("127.0.0.200");
            for (int i = 0; i < CONNECTIONS_PER_ADDRESS; i++) {
                clients.add(ChatClient.connect(base, Map.of(), one, "websocket"));
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChatClient.connect(base, Map.of(), one, "websocket"))
                    .isInstanceOf(IllegalStateException.class);
            try (ChatClient other = ChatClient.connect(base, Map.of(), httpsFrom("127.0.0.201"), "websocket")) {
                assertThat(other.join().get("ok").asBoolean()).isTrue();
            }
        } finally {
            clients.forEach(ChatClient::close);
        }
    }

    @Test
    void foreignOriginsAndOutsideMetricsAreRefusedAndPlainHttpIsRedirected() throws IOException {
        String handshake = "/socket.io/?EIO=4&transport=polling";
        try (Response own = call(new Request.Builder().url(base + handshake).header("Origin", base))) {
            assertThat(own.code()).isEqualTo(200);
        }
        try (Response foreign = call(new Request.Builder().url(base + handshake).header("Origin", "https://evil.example"))) {
            assertThat(foreign.code()).isEqualTo(403);
        }
        // 127.0.0.1 is not in the example's internal network.
        try (Response metrics = get("/metrics", null)) {
            assertThat(metrics.code()).isEqualTo(403);
        }
        try (Response plain = call(new Request.Builder().url("http://" + HOST + ":" + httpPort + "/health"))) {
            assertThat(plain.code()).isEqualTo(301);
            assertThat(plain.header("location")).isEqualTo("https://" + HOST + "/health");
        }
    }

    // --- nginx -------------------------------------------------------------------------------

    /**
     * The example with what an operator changes for a machine: the node addresses, the ports
     * (free ones on 127.0.0.1 here, as the test does not run as a privileged user) and the
     * certificate. Each must be found exactly once, so a changed example fails here, visibly.
     */
    private static String operatorsCopy(String example) {
        String site = example;
        site = replaceOnce(site, "server 10\\.0\\.0\\.11:4000\\b", "server 127.0.0.1:" + node1.port());
        site = replaceOnce(site, "server 10\\.0\\.0\\.12:4000\\b", "server 127.0.0.1:" + node2.port());
        site = replaceOnce(site, "listen 80\\b", "listen 127.0.0.1:" + httpPort);
        site = replaceOnce(site, "listen 443\\b", "listen 127.0.0.1:" + httpsPort);
        site = replaceOnce(site, "/etc/ssl/certs/chat\\.example\\.com\\.pem", dir.resolve("chat.pem").toString());
        site = replaceOnce(site, "/etc/ssl/private/chat\\.example\\.com\\.key", dir.resolve("chat.key").toString());
        return site;
    }

    private static String replaceOnce(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<Integer> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.start());
        }
        assertThat(found).as("%s in %s", regex, EXAMPLE).hasSize(1);
        return Pattern.compile(regex).matcher(text).replaceFirst(Matcher.quoteReplacement(replacement));
    }

    /** A minimal nginx.conf around the example, with every file it writes in the temporary directory. */
    private static String mainConfig() throws Exception {
        String version = runNginx(30, "-V").output();
        StringBuilder c = new StringBuilder();
        if (((Integer) Files.getAttribute(dir, "unix:uid")) == 0) {
            // As root nginx's workers would run as nobody, who cannot write to this directory.
            c.append("user root;\n");
        }
        c.append("daemon off;\n");
        c.append("worker_processes 1;\n");
        c.append("pid ").append(dir.resolve("nginx.pid")).append(";\n");
        c.append("error_log ").append(dir.resolve("error.log")).append(" info;\n");
        c.append("events { worker_connections 1024; }\n");
        c.append("http {\n");
        // Which node answered each request, for the reader of a failure.
        c.append("    log_format owc '$remote_addr \"$request\" $server_protocol $status"
                + " upstream=$upstream_addr $upstream_status $request_time';\n");
        c.append("    access_log ").append(dir.resolve("access.log")).append(" owc;\n");
        c.append("    client_body_temp_path ").append(dir.resolve("body")).append(";\n");
        c.append("    proxy_temp_path ").append(dir.resolve("proxy")).append(";\n");
        for (String module : List.of("fastcgi", "uwsgi", "scgi")) {
            if (!version.contains("--without-http_" + module + "_module")) {
                c.append("    ").append(module).append("_temp_path ").append(dir.resolve(module)).append(";\n");
            }
        }
        c.append("    include ").append(dir.resolve("owc.conf")).append(";\n");
        c.append("}\n");
        return c.toString();
    }

    private static List<String> nginxCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(nginxBinary.toString(),
                "-p", dir.toString(), "-e", dir.resolve("error.log").toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Result runNginx(long timeoutSeconds, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "nginx-run", ".out");
        Process p = new ProcessBuilder(nginxCommand(args)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("nginx " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private record Result(int exitCode, String output) {
    }

    private static void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!nginx.isAlive()) {
                throw new AssertionError("nginx stopped at start (exit " + nginx.exitValue() + ")\n" + startLogs());
            }
            if (listening(httpsPort) && listening(httpPort)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nginx did not listen within 15 s\n" + startLogs());
    }

    private static String startLogs() throws IOException {
        Path log = dir.resolve("error.log");
        return Files.readString(dir.resolve("nginx.out")) + (Files.exists(log) ? Files.readString(log) : "");
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** nginx on the PATH, or where Debian and the usual source builds put it (not on a non-root PATH). */
    private static Optional<Path> findNginx() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"));
        return dirs.stream().filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "nginx"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // --- TLS ---------------------------------------------------------------------------------

    /**
     * A self-signed certificate for chat.example.com, made by the JDK's keytool, written as the
     * PEM files nginx reads (chat.pem and chat.key in the temporary directory).
     */
    private static X509Certificate makeCertificate() throws Exception {
        Path store = dir.resolve("chat.p12");
        char[] password = "test-only".toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path out = dir.resolve("keytool.out");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "chat",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + HOST, "-ext", "SAN=dns:" + HOST,
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(password), "-keypass", new String(password))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("keytool\n%s", Files.readString(out)).isTrue();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        PrivateKey key = (PrivateKey) keys.getKey("chat", password);
        X509Certificate certificate = (X509Certificate) keys.getCertificate("chat");
        Files.writeString(dir.resolve("chat.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(dir.resolve("chat.key"), pem("PRIVATE KEY", key.getEncoded()));
        // Read back as a client would see it.
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(dir.resolve("chat.pem"))));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** An HTTP client that trusts that certificate alone and resolves chat.example.com, alone, to 127.0.0.1. */
    private static OkHttpClient trustingClient(X509Certificate certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("chat", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        X509TrustManager trustManager = (X509TrustManager) factory.getTrustManagers()[0];
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {trustManager}, null);
        InetAddress loopback = InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
        return ChatClient.httpClientBuilder()
                .sslSocketFactory(tls.getSocketFactory(), trustManager)
                .dns(hostname -> {
                    if (HOST.equalsIgnoreCase(hostname)) {
                        return List.of(loopback);
                    }
                    throw new UnknownHostException(hostname + ": this test talks to " + HOST + " only");
                })
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
    }

    // --- requests ----------------------------------------------------------------------------

    /**
     * The HTTPS client, its connections made from the local address {@code local}; with a pool of
     * its own, since OkHttp would hand a kept-alive connection to a client of another address.
     */
    private static OkHttpClient httpsFrom(String local) {
        return https.newBuilder().socketFactory(LocalAddressSockets.from(local)).connectionPool(new okhttp3.ConnectionPool()).build();
    }

    private static ChatClient throughNginx(String cookie, String transport) {
        return ChatClient.connect(base, Map.of("Cookie", cookie), https, transport);
    }

    /** A fresh guest's {@code owc_guest=...} pair, from GET /api/session through nginx. */
    private static String newGuest() throws IOException {
        try (Response session = get("/api/session", null)) {
            assertThat(session.code()).isEqualTo(200);
            return Http.cookiePair(session.header("set-cookie"));
        }
    }

    private static Response get(String path, String cookie) throws IOException {
        Request.Builder request = new Request.Builder().url(base + path);
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return call(request);
    }

    private static Response call(Request.Builder request) throws IOException {
        return https.newCall(request.build()).execute();
    }

    private static JsonNode json(Response response) throws IOException {
        return JSON.readTree(response.body().string());
    }
}
