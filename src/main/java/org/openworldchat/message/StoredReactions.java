package org.openworldchat.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSONB of reactions as stored: {@code messages.reactions} (emoji → guest ids, first reacted
 * first), and beside it {@code reaction_sample} (the same, cut to the first few ids) and
 * {@code reaction_counts} (emoji → number of guests).
 */
public final class StoredReactions {

    private static final TypeReference<LinkedHashMap<String, List<UUID>>> REACTIONS = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, Integer>> COUNTS = new TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredReactions() {
    }

    /** Emoji → guest ids, in the stored order. */
    public static Map<String, List<UUID>> parse(String stored) {
        return read(stored, REACTIONS);
    }

    /** Emoji → count, in the stored order. */
    public static Map<String, Integer> parseCounts(String stored) {
        return read(stored, COUNTS);
    }

    public static String format(Map<String, ? extends Collection<UUID>> reactions) {
        return write(reactions);
    }

    public static String formatCounts(Map<String, Integer> counts) {
        return write(counts);
    }

    private static <T extends Map<?, ?>> T read(String stored, TypeReference<T> type) {
        if (stored == null || stored.isEmpty()) {
            return JSON.convertValue(Map.of(), type);
        }
        try {
            return JSON.readValue(stored, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored reactions hold invalid JSON", e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reactions cannot be written as JSON", e);
        }
    }
}
