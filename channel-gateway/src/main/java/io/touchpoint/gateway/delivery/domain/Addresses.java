package io.touchpoint.gateway.delivery.domain;

import java.util.Locale;
import java.util.regex.Pattern;

import io.touchpoint.gateway.recipient.domain.Channels;

/** Address checks per channel: a plausible mailbox for email, E.164 for phones. */
public final class Addresses {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>,;]+@[^@\\s\"<>,;.]+(\\.[^@\\s\"<>,;.]+)+");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private Addresses() {
    }

    public static boolean valid(String channel, String address) {
        if (address == null) {
            return false;
        }
        if (Channels.EMAIL.equals(channel)) {
            return address.length() <= 254 && EMAIL.matcher(address).matches();
        }
        if (Channels.SMS.equals(channel)) {
            return E164.matcher(address).matches();
        }
        return false;
    }

    /** The form suppression entries are kept and looked up in: mail domains and (in practice) mailboxes ignore case. */
    public static String normalize(String channel, String address) {
        return Channels.EMAIL.equals(channel) ? address.strip().toLowerCase(Locale.ROOT) : address.strip();
    }
}
