package io.touchpoint.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Folder;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

/** A mailbox on the stack's GreenMail, read over IMAP (any password), as a person's mail client would. */
final class Mail {

    record Message(String subject, Map<String, String> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private Mail() {
    }

    static List<Message> inbox(int imapPort, String address) throws MessagingException {
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect("127.0.0.1", imapPort, address, "any");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<Message> messages = new ArrayList<>();
            for (jakarta.mail.Message m : inbox.getMessages()) {
                Map<String, String> headers = new LinkedHashMap<>();
                for (var all = m.getAllHeaders(); all.hasMoreElements();) {
                    Header h = all.nextElement();
                    headers.putIfAbsent(h.getName(), h.getValue());
                }
                messages.add(new Message(m.getSubject(), headers));
            }
            inbox.close(false);
            return messages;
        }
    }
}
