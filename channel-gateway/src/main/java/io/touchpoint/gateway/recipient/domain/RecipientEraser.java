package io.touchpoint.gateway.recipient.domain;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.vertx.mutiny.sqlclient.SqlClient;

/** A GDPR erasure: the person's addresses, consent, preferences and traits held for delivery go. */
@ApplicationScoped
public class RecipientEraser implements ErasureHandler {

    private final RecipientStore recipients;

    RecipientEraser(RecipientStore recipients) {
        this.recipients = recipients;
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return recipients.delete(sql, profileIds);
    }
}
