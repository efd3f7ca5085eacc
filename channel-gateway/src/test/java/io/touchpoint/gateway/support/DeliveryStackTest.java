package io.touchpoint.gateway.support;

import java.time.Clock;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * What the delivery tests on the real stack share: a producer of contract events, recipients and
 * requests fed through the broker ({@link DeliveryFixtures}), the delivery events read back, the
 * devstack's IMAP mailbox and its tokens. A subclass is a {@code @QuarkusTest}.
 */
public abstract class DeliveryStackTest {

    private static TestEvents events;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    protected String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.imap.port")
    protected int imapPort;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    protected String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    protected String issuer;
    @Inject
    protected Pool pool;
    @Inject
    protected RecipientStore recipients;
    @Inject
    protected Clock clock;

    protected DeliveryFixtures fixtures;
    protected Mailbox mailbox;

    @BeforeEach
    void connect() {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        fixtures = new DeliveryFixtures(bootstrap, events, pool, recipients);
        mailbox = new Mailbox(imapPort);
        // Read from the beginning before anything is sent, so no event is missed.
        fixtures.deliveryEvents();
    }

    @AfterAll
    static void closeProducer() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    protected TestEvents events() {
        return events;
    }

    protected String bearer(String role) {
        return new TestTokens(privateKey, issuer).bearer(role);
    }
}
