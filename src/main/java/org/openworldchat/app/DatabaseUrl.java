package org.openworldchat.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL location, parsed from the seed's {@code postgresql://user:password@host:5432/db}
 * form (also {@code postgres://}) or taken as is from a {@code jdbc:postgresql:} URL.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    static final String VARIABLE = "DATABASE_URL";

    public static DatabaseUrl parse(String value) {
        String v = value.strip();
        if (v.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(v, null, null);
        }
        if (!v.startsWith("postgresql://") && !v.startsWith("postgres://")) {
            throw new ConfigException(VARIABLE,
                    "expected postgresql://user:password@host:5432/db or a jdbc:postgresql: URL");
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new ConfigException(VARIABLE, "not a valid URL (" + e.getReason() + ")");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ConfigException(VARIABLE, "the URL names no host");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String db = path.startsWith("/") ? path.substring(1) : path;
        if (db.isBlank() || db.contains("/")) {
            throw new ConfigException(VARIABLE, "the URL names no database (…@host:5432/dbname)");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String host = uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost();
        return new DatabaseUrl("jdbc:postgresql://" + host + ":" + port + "/" + decode(db) + query, user, password);
    }

    /** Where it points, without credentials: safe to log. */
    public String describe() {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + describe() + "]";
    }
}
