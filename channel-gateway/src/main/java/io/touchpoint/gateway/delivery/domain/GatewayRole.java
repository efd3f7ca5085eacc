package io.touchpoint.gateway.delivery.domain;

import java.util.Locale;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * What a gateway process does, from {@code touchpoint.gateway.role}: {@code tracking} (the tracking
 * API only), {@code delivery} (consumes message requests and sends them; refuses the tracking API), or {@code both} (the
 * default, one process for a small installation). Kubernetes scales the two apart, so sending never
 * takes CPU from the tracking API's pods. Whatever the role, a process keeps the recipient
 * projection and decides deferrals that fall due; only delivery processes take requests and call
 * providers.
 *
 * <p>As a configuration interceptor it turns the role into the message-request channel's
 * {@code enabled} (unless that is set itself), since a channel cannot be switched off from code.
 */
public final class GatewayRole implements ConfigSourceInterceptor {

    public static final String PROPERTY = "touchpoint.gateway.role";
    static final String CONSUMER_ENABLED = "mp.messaging.incoming.message-requests.enabled";

    public enum Role {
        TRACKING, DELIVERY, BOTH;

        public boolean delivers() {
            return this != TRACKING;
        }

        /** Whether the process serves the tracking API (a delivery process refuses it, see TrackingRoleFilter). */
        public boolean tracks() {
            return this != DELIVERY;
        }

        public static Role of(String value) {
            try {
                return value == null ? BOTH : valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + " must be tracking, delivery or both, not " + value, e);
            }
        }
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null || !CONSUMER_ENABLED.equals(name)) {
            return value;
        }
        ConfigValue role = context.proceed(PROPERTY);
        Role r = Role.of(role == null ? null : role.getValue());
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(r.delivers())).build();
    }
}
