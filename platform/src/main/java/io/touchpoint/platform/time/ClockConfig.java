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
}
