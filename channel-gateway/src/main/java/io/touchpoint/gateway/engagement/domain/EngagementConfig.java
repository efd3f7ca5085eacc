package io.touchpoint.gateway.engagement.domain;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.gateway.engagement")
public interface EngagementConfig {

    /** An open pixel at the end of every HTML email. */
    @WithDefault("true")
    boolean opens();

    /** Web links in HTML email through the click redirect. */
    @WithDefault("true")
    boolean clicks();

    /** An open or click this soon after sending is flagged as a machine's ({@link MachineSignals}). */
    @WithDefault("PT3S")
    Duration machineWindow();
}
