package io.touchpoint.platform.time;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.clock")
public interface ClockConfig {

    /** The service reads an {@link AdjustableClock} (tests: on by default in the test profile). */
    @WithDefault("false")
    boolean adjustable();

    /**
     * The local stack's shared simulated clock: adjustable, and moved through {@code /v1/dev/clock}
     * by {@code ./touchpoint clock}. Refused outside the dev and test profiles.
     */
    @WithDefault("false")
    boolean simulated();

    /**
     * Where a simulated clock starts (an ISO instant, forward of the system clock): a service the
     * launcher restarts joins the stack's simulated instant before it takes any work.
     */
    java.util.Optional<java.time.Instant> simulatedStart();
}
