package io.touchpoint.platform.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * On a resource (or one of its methods): a query parameter the method does not declare is refused
 * with 400 naming it ({@link QueryParameterFilter}). For operations where a misspelt parameter would
 * otherwise be ignored and change the answer silently: a report's filter ({@code journey=} for
 * {@code journeyId=} answers for every journey), a publish's {@code inflight=move}. Not for endpoints
 * whose URLs others extend (tracked links gain {@code utm_*} parameters on the way). The resource
 * class must be registered for reflection (methods) for a native image to read the declarations.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface KnownQueryParameters {

    /** Parameters whose names start with one of these are taken too (filters by name, e.g. {@code trait.plan}). */
    String[] prefixes() default {};
}
