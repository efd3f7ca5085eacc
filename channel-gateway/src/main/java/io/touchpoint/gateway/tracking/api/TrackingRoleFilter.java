package io.touchpoint.gateway.tracking.api;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.delivery.domain.GatewayRole;
import io.vertx.ext.web.RoutingContext;

/**
 * A process of role {@code delivery} does not serve the tracking API: its pods sit behind the
 * internal route only, and a tracking call that reaches one by a routing mistake gets a 404
 * problem saying where tracking is served, rather than being ingested by a process sized for
 * sending. Checked before anything else, so such a call costs nothing.
 */
@ApplicationScoped
public class TrackingRoleFilter {

    /** The tracking API and on-site content (a page's calls, authenticated by write key). */
    static final Pattern TRACKING_PATHS = Pattern.compile(
            "/v1/(identify|track|page|screen|group|alias|batch|import|[itpsgab]|content/[^/]+(/events)?)/?");

    private final GatewayRole.Role role;
    private final ObjectMapper mapper;

    TrackingRoleFilter(@ConfigProperty(name = GatewayRole.PROPERTY, defaultValue = "both") String role, ObjectMapper mapper) {
        this.role = GatewayRole.Role.of(role);
        this.mapper = mapper;
    }

    void register(@Observes Filters filters) {
        if (role.tracks()) {
            return;
        }
        filters.register(this::refuse, Integer.MAX_VALUE);
    }

    private void refuse(RoutingContext context) {
        if (!TRACKING_PATHS.matcher(context.request().path()).matches()) {
            context.next();
            return;
        }
        Problem problem = Problem.of(404, "Not Found", "This gateway process has role delivery; the tracking API and on-site "
                + "content are served by processes of role tracking or both.").withInstance(context.request().path());
        ProblemBodies.end(context, mapper, problem);
    }
}
