package io.touchpoint.gateway.mailbox.messaging;

import java.io.IOException;
import java.util.Properties;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.FlagTerm;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * One pass over a mailbox the gateway reads over IMAP (bounces, mailto unsubscribes): each unread
 * message goes to a handler; one it dealt with is deleted, any other is marked read and left for
 * people. The IMAP client blocks, so the pass runs on a worker thread, never an event loop. A message
 * dealt with but not yet deleted when the process stops is read again, so handlers are idempotent.
 */
public final class MailboxReader {

    /**
     * Where the mailbox is and how to log in to it. With {@code tls} the connection is IMAPS
     * (implicit TLS, port 993 by convention) and the server's certificate is checked against the
     * JVM's trusted authorities and the host name, unless {@code trustedHosts} (space-separated)
     * names the host: then its certificate is taken as it is (a private server's own certificate).
     */
    public record Account(String host, int port, String user, String password, boolean tls, String trustedHosts) {
    }

    @FunctionalInterface
    public interface Handler {
        /** @return how many things the message told that were recorded; 0 leaves it for people */
        int handle(Message message) throws MessagingException, IOException;
    }

    private MailboxReader() {
    }

    /** One pass on a worker thread; the sum of what the handler recorded. */
    public static Uni<Integer> readOnWorker(Account account, Handler handler) {
        return Uni.createFrom().item(() -> readUnread(account, handler)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static int readUnread(Account account, Handler handler) {
        String protocol = account.tls() ? "imaps" : "imap";
        Properties props = new Properties();
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", "10000");
        if (account.tls()) {
            boolean trusted = account.trustedHosts() != null && !account.trustedHosts().isBlank();
            props.put("mail.imaps.ssl.checkserveridentity", Boolean.toString(!trusted));
            if (trusted) {
                props.put("mail.imaps.ssl.trust", account.trustedHosts());
            }
        }
        try (Store store = Session.getInstance(props).getStore(protocol)) {
            store.connect(account.host(), account.port(), account.user(), account.password());
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            int recorded = 0;
            for (Message message : inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))) {
                int count = handler.handle(message);
                message.setFlag(count > 0 ? Flags.Flag.DELETED : Flags.Flag.SEEN, true);
                recorded += count;
            }
            inbox.close(true);
            return recorded;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read the mailbox " + account.user() + " at " + account.host() + ":"
                    + account.port(), e);
        }
    }
}
