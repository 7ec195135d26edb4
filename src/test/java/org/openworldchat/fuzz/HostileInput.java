package org.openworldchat.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Random and hostile JSON values and strings, as a careless or malicious client would send them. */
final class HostileInput {

    private HostileInput() {
    }

    static final List<String> NASTY = List.of(
            "", " ", "\u0000", "\u202Egnp.exe", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "'; DROP TABLE messages; --", "\" OR 1=1 --", "__proto__", "constructor", "${jndi:ldap://x/a}",
            "%00", "../../etc/passwd", "😀".repeat(3000), "x".repeat(30_000), "\uD800", "\uDFFF\uD800",
            "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "null", "true",
            "🔥", "❤️", "👨‍👩‍👧", "1e309", "-0", "NaN");

    static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.of(NASTY),
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(40));
    }

    /** Any JSON value: scalars, and arrays or objects nested up to {@code depth}. */
    static Arbitrary<Object> json(int depth) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                strings().map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) null).map(n -> (Object) "null-marker").map(x -> null));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<Object> list = json(depth - 1).list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> object = Arbitraries.maps(keys(), json(depth - 1)).ofMaxSize(5).map(m -> (Object) new LinkedHashMap<>(m));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalar), net.jqwik.api.Tuple.of(2, list), net.jqwik.api.Tuple.of(3, object));
    }

    /** Objects shaped like real payloads: the real field names, with anything as values. */
    static Arbitrary<Map<String, Object>> payloadLike() {
        return Arbitraries.maps(keys(), json(2)).ofMaxSize(5).map(LinkedHashMap::new);
    }

    static Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.of("content", "imageUrl", "replyToMessageId", "clientMessageId", "since", "username",
                        "messageId", "emoji", "__proto__"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10));
    }
}
