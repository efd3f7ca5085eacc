package io.touchpoint.gateway.delivery.domain;

/** A message rendered for one recipient: email uses all three parts, SMS only the text. */
public record Content(String subject, String html, String text) {
}
