package org.openworldchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which PostgreSQL server the tests use: TEST_DATABASE_URL, else DATABASE_URL, else an embedded one. */
class TestDatabasesTest {

    private static final String TEST_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
    private static final String APP_URL = "postgresql://chat:secret@db.internal:5432/chat";

    @Test
    void testDatabaseUrlWinsOverDatabaseUrl() {
        assertThat(TestDatabases.configuredServer(Map.of("TEST_DATABASE_URL", TEST_URL, "DATABASE_URL", APP_URL)))
                .isEqualTo(TEST_URL);
    }

    @Test
    void databaseUrlIsUsedWhenTestDatabaseUrlIsUnsetOrBlank() {
        assertThat(TestDatabases.configuredServer(Map.of("DATABASE_URL", APP_URL))).isEqualTo(APP_URL);
        assertThat(TestDatabases.configuredServer(Map.of("TEST_DATABASE_URL", " ", "DATABASE_URL", APP_URL))).isEqualTo(APP_URL);
    }

    @Test
    void neitherMeansTheEmbeddedServer() {
        assertThat(TestDatabases.configuredServer(Map.of())).isNull();
        assertThat(TestDatabases.configuredServer(Map.of("DATABASE_URL", ""))).isNull();
    }
}
