package org.openworldchat.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code messages.reactions} as stored (JSONB text: emoji → guest ids, first reacted first). */
public final class StoredReactions {

    private static final TypeReference<LinkedHashMap<String, List<UUID>>> REACTIONS = new TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredReactions() {
    }

    public static Map<String, List<UUID>> parse(String stored) {
        if (stored == null || stored.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(stored, REACTIONS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("messages.reactions holds invalid JSON", e);
        }
    }

    public static String format(Map<String, List<UUID>> reactions) {
        try {
            return JSON.writeValueAsString(reactions);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reactions cannot be written as JSON", e);
        }
    }
}
