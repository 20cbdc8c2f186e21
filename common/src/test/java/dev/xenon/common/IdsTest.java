package dev.xenon.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class IdsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void timelineAndTenantIdsAre32HexCharsAndRoundTrip() {
        TimelineId id = TimelineId.parse("DE200BD42B49CC1814412C7E592DD6E9");
        assertThat(id.toString()).isEqualTo("de200bd42b49cc1814412c7e592dd6e9");
        assertThat(TimelineId.parse(id.toString())).isEqualTo(id);
        assertThat(TimelineId.generate()).isNotEqualTo(TimelineId.generate());
        assertThat(TenantId.generate().toString()).hasSize(32).matches("[0-9a-f]{32}");
        assertThatThrownBy(() -> TimelineId.parse("de200bd42b49cc1814412c7e592dd6e"))
                .hasMessageContaining("invalid timeline id");
        assertThatThrownBy(() -> TenantId.parse("xe200bd42b49cc1814412c7e592dd6e9"))
                .hasMessageContaining("invalid tenant id");
    }

    @Test
    void termsAreNonNegativeAndOrdered() {
        assertThat(Term.parse("7").next()).isEqualTo(Term.of(8));
        assertThat(Term.of(3).isAfter(Term.of(2))).isTrue();
        assertThatThrownBy(() -> Term.of(-1)).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> Term.parse("x")).hasMessageContaining("invalid term");
    }

    record Holder(Lsn lsn, TimelineId timeline, Term term) {}

    @Test
    void valueTypesAreJsonStringsAndNumbers() {
        Holder h =
                new Holder(Lsn.parse("16/B374D848"), TimelineId.parse("de200bd42b49cc1814412c7e592dd6e9"), Term.of(4));
        String text = json.writeValueAsString(h);
        assertThat(text)
                .isEqualTo("{\"lsn\":\"16/B374D848\",\"timeline\":\"de200bd42b49cc1814412c7e592dd6e9\",\"term\":4}");
        assertThat(json.readValue(text, Holder.class)).isEqualTo(h);
    }
}
