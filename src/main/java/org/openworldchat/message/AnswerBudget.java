package org.openworldchat.message;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Keeps the messages of one answer within the bytes an answer may hold (contract v2: 1 MiB).
 * Without it, 500 messages of 2,000 emojis made a catch-up answer of 4.2 MB, which the guard
 * against clients that stop reading (4 MiB unread) cut off before it was sent, every time: the
 * client asked again and never caught up. A page that would pass the budget holds fewer
 * messages; the caller says which end it keeps, and the client asks again for the rest.
 */
final class AnswerBudget {

    /** The most one answer or broadcast may hold. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;
    /** What the messages of an answer may take: the rest of it (names, counts, framing) is far below 16 KiB. */
    static final int MAX_MESSAGES_BYTES = MAX_ANSWER_BYTES - 16 * 1024;

    private final ToIntFunction<Message> encodedSize;
    private final int maxBytes;

    /** @param encodedSize the bytes of a message as it is sent (its JSON) */
    AnswerBudget(ToIntFunction<Message> encodedSize, int maxBytes) {
        this.encodedSize = encodedSize;
        this.maxBytes = maxBytes;
    }

    /** The oldest messages of {@code oldestFirst} that fit; at least one, so that paging always moves on. */
    List<Message> keepOldest(List<Message> oldestFirst) {
        long used = 2; // the array's brackets
        for (int i = 0; i < oldestFirst.size(); i++) {
            used += encodedSize.applyAsInt(oldestFirst.get(i)) + (i > 0 ? 1 : 0);
            if (used > maxBytes && i > 0) {
                return oldestFirst.subList(0, i);
            }
        }
        return oldestFirst;
    }

    /** The newest messages of {@code oldestFirst} that fit, still oldest first; at least one. */
    List<Message> keepNewest(List<Message> oldestFirst) {
        long used = 2;
        int n = oldestFirst.size();
        for (int i = n - 1; i >= 0; i--) {
            used += encodedSize.applyAsInt(oldestFirst.get(i)) + (i < n - 1 ? 1 : 0);
            if (used > maxBytes && i < n - 1) {
                return oldestFirst.subList(i + 1, n);
            }
        }
        return oldestFirst;
    }
}
