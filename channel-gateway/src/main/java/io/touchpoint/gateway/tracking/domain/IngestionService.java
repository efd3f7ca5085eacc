package io.touchpoint.gateway.tracking.domain;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.gateway.source.domain.WriteKeyAuthenticator;
import io.touchpoint.gateway.tracking.domain.IngestionRejected.Reason;
import io.touchpoint.gateway.tracking.messaging.InteractionPublisher;
import io.touchpoint.gateway.tracking.messaging.MessageDeduplicator;

/**
 * The ingestion edge: authenticates the write key, reads and judges the messages, publishes the
 * valid ones and waits for the broker's acknowledgement before the caller is told anything went well.
 */
@ApplicationScoped
public class IngestionService {

    @Inject
    WriteKeyAuthenticator authenticator;

    @Inject
    InteractionPublisher publisher;

    @Inject
    MessageDeduplicator deduplicator;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    private TrackingRequestParser parser;
    private MessageValidator validator;

    @PostConstruct
    void init() {
        parser = new TrackingRequestParser(mapper);
        validator = new MessageValidator(mapper);
    }

    private record Authenticated(String sourceId, TrackingRequest request) {
    }

    public Uni<IngestionResult> ingest(TrackingCall call) {
        return Uni.createFrom().deferred(() -> {
            String headerKey = basicUsername(call.authorization());
            if (headerKey != null) {
                // A key in the header is checked before the body is even decompressed.
                return authenticate(headerKey).map(sourceId -> new Authenticated(sourceId, parse(call)));
            }
            TrackingRequest request = parse(call);
            if (request.writeKey() == null) {
                throw new IngestionRejected(Reason.UNAUTHENTICATED, "A write key is required: send it as the HTTP "
                        + "Basic username (empty password) or as writeKey in the body.");
            }
            return authenticate(request.writeKey()).map(sourceId -> new Authenticated(sourceId, request));
        }).chain(authenticated -> accept(authenticated.sourceId(), authenticated.request(), call.clientIp()));
    }

    /**
     * The source a caller outside the tracking routes (on-site content) names by its write key: the
     * HTTP Basic username, else {@code writeKey} (a query parameter), refused as a tracking call is.
     */
    public Uni<String> sourceOf(String authorization, String writeKey) {
        return Uni.createFrom().deferred(() -> {
            String key = basicUsername(authorization);
            if (key == null && (writeKey == null || writeKey.isBlank())) {
                throw new IngestionRejected(Reason.UNAUTHENTICATED, "A write key is required: send it as the HTTP "
                        + "Basic username (empty password) or as the writeKey parameter.");
            }
            return authenticate(key != null ? key : writeKey.strip());
        });
    }

    private TrackingRequest parse(TrackingCall call) {
        return parser.parse(RequestBodies.decode(call.body(), call.contentEncoding()), call.impliedType());
    }

    private Uni<String> authenticate(String writeKey) {
        return authenticator.authenticate(writeKey)
                // PostgreSQL being away is no reason for an SDK to drop its events: a 5xx makes it retry.
                .onFailure().transform(e -> new IngestionRejected(Reason.UNAVAILABLE,
                        "Write keys cannot be checked right now; retry later.", null, e))
                .map(authentication -> switch (authentication.status()) {
                    case AUTHENTICATED -> authentication.sourceId();
                    case DISABLED -> throw new IngestionRejected(Reason.UNAUTHENTICATED,
                            "The source of this write key is disabled.");
                    case UNKNOWN -> throw new IngestionRejected(Reason.UNAUTHENTICATED, "The write key is not valid.");
                });
    }

    private Uni<IngestionResult> accept(String sourceId, TrackingRequest request, String clientIp) {
        // One reading for the whole call: all its messages were received at the same moment.
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var envelope = new MessageValidator.Envelope(sourceId, receivedAt, clientIp, request.sentAt(),
                request.context(), request.integrations());
        List<String> acceptedIds = new ArrayList<>();
        // A batch may repeat a message (an SDK re-queueing after a timeout): publish it once.
        Map<String, Interaction> unique = new LinkedHashMap<>();
        List<Problem.Violation> errors = new ArrayList<>();
        int rejected = 0;
        List<TrackingRequest.Item> items = request.items();
        for (int i = 0; i < items.size(); i++) {
            var outcome = validator.validate(items.get(i), request.batch() ? i : -1, request.impliedType(), envelope);
            if (outcome instanceof MessageValidator.Accepted accepted) {
                acceptedIds.add(accepted.interaction().messageId());
                unique.putIfAbsent(accepted.interaction().messageId(), accepted.interaction());
            } else if (outcome instanceof MessageValidator.Rejected refusal) {
                rejected++;
                errors.addAll(refusal.violations());
            }
        }
        IngestionResult result = new IngestionResult(acceptedIds, rejected, errors, request.batch());
        if (unique.isEmpty()) {
            return Uni.createFrom().item(result);
        }
        List<String> ids = List.copyOf(unique.keySet());
        return deduplicator.alreadyPublished(sourceId, ids)
                .chain(seen -> publisher.publish(fresh(unique, seen)))
                // Remember what did get through even when something failed: the SDK's retry of the
                // whole call must not publish those again.
                .call(report -> deduplicator.markPublished(sourceId,
                        report.acknowledged().stream().map(Interaction::messageId).toList()))
                .map(report -> {
                    if (report.failure() != null) {
                        throw new IngestionRejected(Reason.UNAVAILABLE, "The event stream did not acknowledge every "
                                + "message; nothing is lost by retrying the same call later.", null, report.failure());
                    }
                    return result;
                });
    }

    private static List<Interaction> fresh(Map<String, Interaction> unique, Set<String> seen) {
        return unique.values().stream().filter(i -> !seen.contains(i.messageId())).toList();
    }

    /** The Segment convention: the write key is the Basic username and the password is empty. */
    static String basicUsername(String authorization) {
        if (authorization == null || !authorization.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.strip().substring(6).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IngestionRejected(Reason.UNAUTHENTICATED,
                    "The Authorization header is not valid HTTP Basic credentials.");
        }
        int colon = decoded.indexOf(':');
        String username = (colon < 0 ? decoded : decoded.substring(0, colon)).strip();
        return username.isEmpty() ? null : username;
    }
}
