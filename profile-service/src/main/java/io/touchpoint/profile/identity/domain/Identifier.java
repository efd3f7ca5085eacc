package io.touchpoint.profile.identity.domain;

/** One way to recognise a person: a userId, anonymousId, email, phone or external id. */
public record Identifier(String type, String value) {

    public static final String USER_ID = "userId";
    public static final String ANONYMOUS_ID = "anonymousId";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";

    /** Lower is stronger: when identifiers point at different profiles, the strongest decides. */
    public int priority() {
        return switch (type) {
            case USER_ID -> 0;
            case EMAIL -> 2;
            case PHONE -> 3;
            case ANONYMOUS_ID -> 4;
            default -> 1; // external ids issued by a system of record
        };
    }
}
