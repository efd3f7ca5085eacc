package io.touchpoint.journey;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.touchpoint.platform.time.AdjustableClock;

/** What every journey test on the stack starts from: the stack's endpoints, its clock put back after each test. */
abstract class OnTheStack {

    protected static JourneyStack stack;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @Inject
    AdjustableClock clock;

    @BeforeEach
    void openStack() {
        if (stack == null) {
            stack = new JourneyStack(bootstrap, privateKey, issuer);
        }
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @AfterAll
    static void close() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }
}
