package io.touchpoint.platform.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.configuration.ConfigUtils;

/** The one clock a service reads: the system's, or, in tests and on the simulated stack, an adjustable one. */
public class ClockProducer {

    @Produces
    @Singleton
    @Typed(AdjustableClock.class)
    AdjustableClock adjustable() {
        return new AdjustableClock();
    }

    @Produces
    @Singleton
    @DefaultBean
    Clock clock(ClockConfig config, AdjustableClock adjustable) {
        if (config.simulated() && !simulationAllowed()) {
            throw new IllegalStateException("touchpoint.clock.simulated is for local runs only: start with the dev profile"
                    + " (./touchpoint up --simulated-clock); profiles now: " + ConfigUtils.getProfiles());
        }
        if (config.simulated() && config.simulatedStart().isPresent() && config.simulatedStart().get().isAfter(adjustable.instant())) {
            adjustable.moveTo(config.simulatedStart().get());
        }
        return config.adjustable() || config.simulated() ? adjustable : Clock.systemUTC();
    }

    static boolean simulationAllowed() {
        var profiles = ConfigUtils.getProfiles();
        return profiles.contains("dev") || profiles.contains("test");
    }
}
