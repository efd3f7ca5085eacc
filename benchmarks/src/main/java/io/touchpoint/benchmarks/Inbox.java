package io.touchpoint.benchmarks;

import java.util.Collection;
import java.util.List;

/**
 * Where one channel's messages land, read back from the provider's side with a real client: every
 * message in each recipient's box and the delivery it belongs to. The delivery benchmarks count
 * what reached the server with it, so the channel is a parameter: email reads GreenMail over IMAP
 * ({@link ImapInbox}), SMS the devstack SMSC's HTTP window ({@link SmscInbox}).
 */
interface Inbox {

    /**
     * One message as the server holds it: the box, what names its delivery, its subject (an SMS: its
     * text) and size in bytes. An email carries the delivery id the gateway gave it (its
     * Message-ID), so {@code requestId} is null; an SMS carries nothing of the gateway's, only the
     * request id its text names, so {@code deliveryId} is null.
     */
    record Received(String address, String deliveryId, String requestId, String subject, long size) {
    }

    /** The messages in the given boxes, {@code threads} boxes at a time; {@code purge} deletes them once read. */
    List<Received> read(Collection<String> addresses, boolean purge, int threads) throws Exception;

    /** How the boxes are read, for a report. */
    String client();
}
