package io.touchpoint.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.touchpoint.devstack.server.SmtpSink;

/**
 * The boxes of an {@link SmtpSink} running in this JVM: each recipient's messages by Message-ID, as
 * the sink kept them. For the large broadcast, where reading 100,000 IMAP boxes of GreenMail would
 * cost more than the sending.
 */
final class SinkInbox implements Inbox {

    private final SmtpSink sink;

    SinkInbox(SmtpSink sink) {
        this.sink = sink;
    }

    @Override
    public List<Received> read(Collection<String> addresses, boolean purge, int threads) {
        List<Received> found = new ArrayList<>();
        for (String address : addresses) {
            for (SmtpSink.Received m : sink.received(address, purge)) {
                found.add(new Received(address, ImapInbox.deliveryId(m.messageId()), null, m.subject(), m.size()));
            }
        }
        return found;
    }

    @Override
    public String client() {
        return "the SMTP sink's record of what each recipient got (in the benchmark's JVM)";
    }
}
