package io.touchpoint.gateway.delivery.domain;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.recipient.domain.Recipient;

/** Until templates exist every render fails, so a request is recorded as FAILED with why rather than sent empty. */
@ApplicationScoped
@DefaultBean
public class NoTemplates implements MessageRenderer {

    @Override
    public Uni<Content> render(Delivery delivery, Recipient recipient) {
        return Uni.createFrom().failure(new RenderFailed("no template " + delivery.templateId() + " (templates are not built yet)"));
    }
}
