package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void seedForm() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://chat:s%40cret@db.example:6543/owc?sslmode=require");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/owc?sslmode=require");
        assertThat(url.user()).isEqualTo("chat");
        assertThat(url.password()).isEqualTo("s@cret");
        assertThat(url.describe()).doesNotContain("cret");
        assertThat(url.toString()).doesNotContain("cret");
    }

    @Test
    void defaultsAndOtherForms() {
        assertThat(DatabaseUrl.parse("postgres://u@localhost/db").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
        assertThat(DatabaseUrl.parse("postgres://u@localhost/db").password()).isNull();
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h:1/d?user=x").jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/d?user=x");
    }

    @Test
    void refusesWhatIsNotAPostgresUrl() {
        assertThatThrownBy(() -> DatabaseUrl.parse("localhost:5432/db")).hasMessageStartingWith("DATABASE_URL: ");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u@host")).hasMessageContaining("database");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///db")).hasMessageContaining("host");
    }
}
