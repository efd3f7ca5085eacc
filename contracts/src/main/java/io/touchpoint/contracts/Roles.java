package io.touchpoint.contracts;

/** The JWT {@code groups} every management API checks. */
public final class Roles {
    /** Everything, including sources, keys and erasure. */
    public static final String ADMIN = "admin";
    /** Segments, journeys, templates, profiles. */
    public static final String MARKETER = "marketer";
    /** Read-only analytics and reports. */
    public static final String ANALYST = "analyst";

    private Roles() {
    }
}
