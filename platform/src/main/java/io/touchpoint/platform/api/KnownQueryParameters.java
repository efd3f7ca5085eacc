package io.touchpoint.platform.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * On a resource (or one of its methods): a query parameter the method does not declare is refused
 * with 400 naming it ({@link QueryParameterFilter}). For reports, where a misspelt filter
 * ({@code journey=} for {@code journeyId=}) would otherwise answer for everything, silently. Not for
 * endpoints whose URLs others extend (tracked links gain {@code utm_*} parameters on the way).
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface KnownQueryParameters {
}
