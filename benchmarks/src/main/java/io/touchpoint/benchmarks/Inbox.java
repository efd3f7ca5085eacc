package io.touchpoint.benchmarks;

import java.util.Collection;
import java.util.List;

/**
 * Where one channel's messages land, read back from the provider's side with a real client: every
 * message in each recipient's box, named by the id the gateway gave it (its delivery id: the email's
 * Message-ID, an SMS's correlation). The delivery benchmarks count what reached the server with it,
 * so the channel is a parameter: email reads GreenMail over IMAP ({@link ImapInbox}).
 */
interface Inbox {

    /** One message as the server holds it: the box, the delivery id it carries, its subject (or text) and size in bytes. */
    record Received(String address, String deliveryId, String subject, long size) {
    }

    /** The messages in the given boxes, {@code threads} boxes at a time; {@code purge} deletes them once read. */
    List<Received> read(Collection<String> addresses, boolean purge, int threads) throws Exception;
}
