package org.openworldchat.bench;

/** The server under test: where it listens, its PID (for /proc figures) and its label in the results. */
record Target(String host, int port, String pid, String label) {
    static Target from(Args a) {
        return new Target(a.str("host", "127.0.0.1"), a.integer("port", 4000), a.str("pid", ""), a.str("label", "ours"));
    }

    String baseUrl() {
        return "http://" + host + ":" + port;
    }
}
