package io.touchpoint.gateway.recipient.domain;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/** Every {@link RecipientObserver} in turn; one that fails is logged and the record goes on. */
@ApplicationScoped
public class RecipientObservers {

    private static final Logger LOG = Logger.getLogger(RecipientObservers.class);

    private final List<RecipientObserver> observers;

    RecipientObservers(Instance<RecipientObserver> observers) {
        this.observers = observers.stream().toList();
    }

    public Uni<Void> recipientChanged(Recipient recipient, List<RecipientIdentifier> identifiers, List<String> merged) {
        return each(o -> o.recipientChanged(recipient, identifiers, merged));
    }

    public Uni<Void> membershipChanged(String profileId, String segmentId, boolean member, Instant at) {
        return each(o -> o.membershipChanged(profileId, segmentId, member, at));
    }

    public Uni<Void> erased(List<String> profileIds, List<RecipientIdentifier> identifiers) {
        return each(o -> o.erased(profileIds, identifiers));
    }

    private Uni<Void> each(java.util.function.Function<RecipientObserver, Uni<Void>> call) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (RecipientObserver observer : observers) {
            all = all.chain(() -> Uni.createFrom().deferred(() -> call.apply(observer)).onFailure().recoverWithUni(e -> {
                LOG.warnf(e, "%s could not follow a recipient change", observer.getClass().getSimpleName());
                return Uni.createFrom().voidItem();
            }));
        }
        return all;
    }
}
