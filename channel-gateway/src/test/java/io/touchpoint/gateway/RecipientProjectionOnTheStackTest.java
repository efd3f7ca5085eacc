package io.touchpoint.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.domain.RecipientIdentifier;
import io.touchpoint.gateway.recipient.store.IdentifierStore;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The recipient projection fed through the real broker into the real PostgreSQL: newer versions
 * win, older and repeated ones change nothing, profiles changed in one poll keep their newest
 * identifiers, merged profiles go, and an erasure removes the recipient for good, even when its old
 * changes are replayed.
 */
@QuarkusTest
class RecipientProjectionOnTheStackTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestEvents events;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    Pool pool;
    @Inject
    RecipientStore recipients;
    @Inject
    IdentifierStore identifiers;

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    private TestEvents events() {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        return events;
    }

    static ProfileChanged change(String profileId, long version, String email, List<ConsentState> consents,
            Map<String, Object> preferences, List<String> merged, Instant at) {
        return new ProfileChanged(profileId, version, Set.of("traits"), Map.of("email", email, "firstName", "Ada"), Map.of(),
                consents, preferences, merged, null, at);
    }

    private void publish(ProfileChanged change) {
        events().publish(Topic.PROFILE_CHANGES, change.profileId(), EventTypes.PROFILE_CHANGED, change);
    }

    private Optional<Recipient> recipient(String profileId) {
        return pool.withConnection(c -> recipients.find(c, profileId)).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void theNewestVersionOfAProfileIsKeptAndOlderOrRepeatedOnesChangeNothing() {
        String id = "p-" + UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var consent = List.of(new ConsentState("email", "onboarding", ConsentState.Status.GRANTED, false, at, "api"));
        Map<String, Object> prefs = Map.of("channelOrder", List.of("email", "sms"), "timeZone", "Europe/Helsinki",
                "locale", "fi-FI", "quietHours", Map.of("start", "21:00", "end", "08:00"));
        publish(change(id, 2, "new@example.com", consent, prefs, List.of(), at));
        publish(change(id, 1, "old@example.com", List.of(), Map.of(), List.of(), at.minusSeconds(60)));
        publish(change(id, 2, "new@example.com", consent, prefs, List.of(), at));
        publish(change(id, 3, "newest@example.com", consent, prefs, List.of(), at.plusSeconds(1)));

        await().atMost(WAIT).until(() -> recipient(id).map(r -> r.version() == 3).orElse(false));
        Recipient r = recipient(id).orElseThrow();
        assertEquals("newest@example.com", r.email());
        assertEquals(consent, r.consents());
        assertEquals(List.of("email", "sms"), r.channelOrder());
        assertEquals(ZoneId.of("Europe/Helsinki"), r.timeZone());
        assertEquals("fi-FI", r.locale());
        assertEquals(new Recipient.QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)), r.quietHours());
        assertEquals("Ada", r.traits().get("firstName"));

        // Delivered after v3 on the same partition: once it is read, v1 and the repeat were read too.
        publish(change(id, 1, "old@example.com", List.of(), Map.of(), List.of(), at.minusSeconds(60)));
        await().atMost(WAIT).until(() -> events().consumedToTheEnd("channel-gateway", Topic.PROFILE_CHANGES));
        assertEquals("newest@example.com", recipient(id).orElseThrow().email());
    }

    @Test
    void profilesChangedTogetherKeepEachTheIdentifiersOfTheirNewestVersion() {
        String first = "p-" + UUID.randomUUID();
        String second = "p-" + UUID.randomUUID();
        String device = "a-" + UUID.randomUUID();
        String user = "u-" + UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // Published back to back, so the gateway reads them in one poll and applies them in one transaction.
        publish(withIds(change(first, 1, "one@example.com", List.of(), Map.of(), List.of(), at),
                Map.of("anonymousId", List.of(device), "userId", List.of(user))));
        publish(withIds(change(second, 1, "two@example.com", List.of(), Map.of(), List.of(), at),
                Map.of("anonymousId", List.of("a-" + second))));
        publish(withIds(change(first, 2, "one@example.com", List.of(), Map.of(), List.of(), at.plusSeconds(1)),
                Map.of("userId", List.of(user))));
        publish(change(second, 2, "two-new@example.com", List.of(), Map.of(), List.of(), at.plusSeconds(1)));

        await().atMost(WAIT).until(() -> recipient(first).map(r -> r.version() == 2).orElse(false)
                && recipient(second).map(r -> r.version() == 2).orElse(false));
        var held = pool.withConnection(c -> identifiers.of(c, List.of(first, second))).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of(new RecipientIdentifier("userId", user)), held.get(first), "the device the newest version dropped is forgotten");
        // A change that carries no identifiers leaves those held as they were.
        assertEquals(List.of(new RecipientIdentifier("anonymousId", "a-" + second)), held.get(second));
        assertEquals("two-new@example.com", recipient(second).orElseThrow().email());
    }

    private static ProfileChanged withIds(ProfileChanged c, Map<String, List<String>> ids) {
        return new ProfileChanged(c.profileId(), c.version(), c.changed(), c.traits(), c.computed(), c.consents(), c.preferences(),
                c.mergedProfileIds(), c.trigger(), c.occurredAt(), ids);
    }

    @Test
    void aProfileMergedIntoAnotherIsNoLongerARecipient() {
        String survivor = "p-" + UUID.randomUUID();
        String merged = "p-" + UUID.randomUUID();
        Instant at = Instant.now();
        publish(change(merged, 1, "twin@example.com", List.of(), Map.of(), List.of(), at));
        await().atMost(WAIT).until(() -> recipient(merged).isPresent());
        publish(change(survivor, 4, "twin@example.com", List.of(), Map.of(), List.of(merged), at.plusSeconds(1)));
        await().atMost(WAIT).until(() -> recipient(survivor).isPresent() && recipient(merged).isEmpty());
    }

    @Test
    void anErasureRemovesTheRecipientAndAReplayOfItsChangesDoesNotBringItBack() {
        String id = "p-" + UUID.randomUUID();
        Instant at = Instant.now().minusSeconds(5);
        ProfileChanged before = change(id, 1, "gone@example.com", List.of(), Map.of(), List.of(), at);
        publish(before);
        await().atMost(WAIT).until(() -> recipient(id).isPresent());

        events().publish(Topic.ERASURES, id, EventTypes.PROFILE_ERASURE_REQUESTED,
                new ProfileErasureRequested(UUID.randomUUID().toString(), id, List.of(), Instant.now()));
        await().atMost(WAIT).until(() -> recipient(id).isEmpty());

        publish(before);
        await().atMost(WAIT).until(() -> events().consumedToTheEnd("channel-gateway", Topic.PROFILE_CHANGES));
        assertTrue(recipient(id).isEmpty());
    }
}
