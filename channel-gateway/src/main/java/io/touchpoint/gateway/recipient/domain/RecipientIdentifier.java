package io.touchpoint.gateway.recipient.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A userId or anonymousId that resolves to a profile, as profile-service publishes them with each
 * change: what a visitor names itself by on a content request. Other kinds (email, phone, external
 * ids) are not kept: a page never names its visitor by them.
 */
public record RecipientIdentifier(String kind, String value) {

    public static final String USER_ID = "userId";
    public static final String ANONYMOUS_ID = "anonymousId";

    /** The userIds and anonymousIds among a change's identifiers; null when the change carries none (an older producer). */
    public static List<RecipientIdentifier> of(Map<String, List<String>> identifiers) {
        if (identifiers == null) {
            return null;
        }
        List<RecipientIdentifier> ids = new ArrayList<>();
        for (String kind : List.of(USER_ID, ANONYMOUS_ID)) {
            List<String> values = identifiers.get(kind);
            if (values != null) {
                values.stream().filter(v -> v != null && !v.isBlank()).distinct()
                        .forEach(v -> ids.add(new RecipientIdentifier(kind, v)));
            }
        }
        return ids;
    }
}
