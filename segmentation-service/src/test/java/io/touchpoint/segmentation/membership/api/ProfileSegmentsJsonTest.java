package io.touchpoint.segmentation.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.touchpoint.segmentation.membership.domain.EnteredSegment;

/** The hand-written body reads back as what Jackson would have written for the documented records. */
class ProfileSegmentsJsonTest {

    private final ObjectMapper jackson = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private void sameAsJackson(String profileId, List<EnteredSegment> segments) throws Exception {
        String ours = new String(ProfileSegmentsJson.render(profileId, segments), StandardCharsets.UTF_8);
        var documented = new ProfileMembershipResource.ProfileSegments(profileId, segments.stream()
                .map(s -> new ProfileMembershipResource.Entry(s.segmentId(), Instant.parse(s.enteredAt()))).toList());
        assertEquals(jackson.readTree(jackson.writeValueAsString(documented)), jackson.readTree(ours), ours);
        assertEquals(jackson.writeValueAsString(documented), ours);
    }

    @Test
    void theShapeIsTheDocumentedOne() throws Exception {
        sameAsJackson("p-1", List.of());
        sameAsJackson("p-1", List.of(EnteredSegment.of("s-1", Instant.parse("2026-01-01T00:00:00Z"))));
        sameAsJackson("p-1", List.of(EnteredSegment.of("a", Instant.parse("2026-01-01T00:00:00.120Z")),
                EnteredSegment.of("b", Instant.parse("2026-02-03T04:05:06.123456789Z"))));
    }

    @Test
    void stringsAreEscaped() throws Exception {
        sameAsJackson("quote\" back\\slash\nnew line\ttab\u0001\u001f\b\fctl/ünï€😀", List.of(
                EnteredSegment.of("seg \"x\"", Instant.parse("2026-01-01T00:00:00Z"))));
    }
}
