package io.touchpoint.gateway.delivery.domain;

/**
 * A message rendered for one recipient: email uses subject, HTML and text; SMS the text; a webhook
 * the text (its JSON body) and {@code endpoint}, the key of the partner's receiver it goes to.
 */
public record Content(String subject, String html, String text, String endpoint) {

    public Content(String subject, String html, String text) {
        this(subject, html, text, null);
    }
}
