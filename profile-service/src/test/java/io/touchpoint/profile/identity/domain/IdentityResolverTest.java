package io.touchpoint.profile.identity.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.events.Interaction;

/** The merge rules as pure logic: who owns what, and what one interaction may merge. */
class IdentityResolverTest {

    private static final Identifier ANON = new Identifier(Identifier.ANONYMOUS_ID, "a-1");
    private static final Identifier USER = new Identifier(Identifier.USER_ID, "u-1");
    private static final Identifier OTHER_USER = new Identifier(Identifier.USER_ID, "u-2");
    private static final Identifier EMAIL = new Identifier(Identifier.EMAIL, "ada@example.com");

    private final IdentityResolver resolver = new IdentityResolver(Map.of("userId", 1, "email", 2));

    @Test
    void unknownIdentifiersMakeANewProfileWithAllOfThem() {
        var decision = resolver.decide(List.of(USER, ANON), Map.of(), Map.of());
        assertTrue(decision.createsProfile());
        assertEquals(List.of(USER, ANON), decision.attach());
    }

    @Test
    void identifyAfterAnonymousActivityAttachesTheUserIdToTheAnonymousProfile() {
        var decision = resolver.decide(List.of(USER, ANON), Map.of(ANON, "p-anon"), Map.of("p-anon", List.of(ANON)));
        assertEquals(Optional.of("p-anon"), decision.target());
        assertEquals(List.of(USER), decision.attach());
        assertEquals(List.of(), decision.merge());
    }

    @Test
    void aKnownUserAbsorbsTheAnonymousProfileItWasSeenWith() {
        var decision = resolver.decide(List.of(USER, ANON), Map.of(USER, "p-user", ANON, "p-anon"),
                Map.of("p-user", List.of(USER), "p-anon", List.of(ANON)));
        assertEquals(Optional.of("p-user"), decision.target());
        assertEquals(List.of("p-anon"), decision.merge());
    }

    @Test
    void twoUserIdsNeverMergeThroughASharedEmail() {
        var decision = resolver.decide(List.of(OTHER_USER, EMAIL), Map.of(OTHER_USER, "p-2", EMAIL, "p-1"),
                Map.of("p-1", List.of(USER, EMAIL), "p-2", List.of(OTHER_USER)));
        assertEquals(Optional.of("p-2"), decision.target());
        assertEquals(List.of(), decision.merge());
        assertEquals(List.of("p-1"), decision.refusedMerges());
    }

    @Test
    void aNewUserOnAKnownDeviceIsANewPersonAndTheDeviceStaysPut() {
        var decision = resolver.decide(List.of(OTHER_USER, ANON), Map.of(ANON, "p-1"), Map.of("p-1", List.of(USER, ANON)));
        assertTrue(decision.createsProfile());
        assertEquals(List.of(OTHER_USER), decision.attach());
    }

    @Test
    void limitsCapHowManyValuesOfATypeAProfileCollects() {
        var third = new Identifier(Identifier.EMAIL, "third@example.com");
        var decision = resolver.decide(List.of(USER, third), Map.of(USER, "p-1"),
                Map.of("p-1", List.of(USER, EMAIL, new Identifier(Identifier.EMAIL, "second@example.com"))));
        assertEquals(List.of(), decision.attach());
    }

    @Test
    void junkValuesIdentifyNobodyAndEmailsAndPhonesAreNormalised() {
        var extractor = new IdentityExtractor(Set.of("null", "undefined", "0", "anonymous"), Map.of("loyaltyCard", "loyalty"));
        var interaction = new Interaction("m", "s", "identify", "undefined", "anonymous", null, null, null, null, null, null,
                Map.of("email", " Ada@Example.COM ", "phone", "+358 40-123 4567", "loyaltyCard", "LC-9"),
                Map.of("externalIds", List.of(Map.of("type", "crm", "id", "C-1"))), null, Instant.EPOCH, null, null, Instant.EPOCH);
        assertEquals(List.of(new Identifier("email", "ada@example.com"), new Identifier("phone", "+358401234567"),
                new Identifier("loyalty", "LC-9"), new Identifier("crm", "C-1")), extractor.extract(interaction));
    }
}
