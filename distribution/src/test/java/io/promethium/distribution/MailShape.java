package io.promethium.distribution;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.TreeMap;

/**
 * What of an alert email is compared between two senders: the headers that matter (From, To,
 * Subject, the custom ones, MIME-Version), the multipart structure (each part's media type,
 * charset and transfer encoding) and each part's decoded text. What differs by nature is left out
 * or normalised: Date, Message-Id, the boundary, and the sender's name in the default templates.
 */
final class MailShape {

    private static final List<String> HEADERS = List.of("From", "To", "Subject", "X-Team", "MIME-Version");

    private MailShape() {
    }

    static Map<String, String> of(MimeMessage m) throws MessagingException, IOException {
        Map<String, String> out = new TreeMap<>();
        for (String h : HEADERS) {
            String[] values = m.getHeader(h);
            out.put("header:" + h, values == null ? null : String.join(" | ", values));
        }
        out.put("header:Date present", Boolean.toString(m.getHeader("Date") != null));
        out.put("header:Message-Id present", Boolean.toString(m.getHeader("Message-Id") != null));
        part("", m, out);
        return out;
    }

    private static void part(String path, Part p, Map<String, String> out) throws MessagingException, IOException {
        ContentType type = new ContentType(p.getContentType());
        out.put(path + "type", type.getBaseType().toLowerCase(java.util.Locale.ROOT));
        String charset = type.getParameter("charset");
        if (charset != null) {
            out.put(path + "charset", charset.toUpperCase(java.util.Locale.ROOT));
        }
        String[] encoding = p.getHeader("Content-Transfer-Encoding");
        if (encoding != null) {
            out.put(path + "encoding", encoding[0].toLowerCase(java.util.Locale.ROOT));
        }
        Object content = p.getContent();
        if (content instanceof Multipart multi) {
            out.put(path + "parts", Integer.toString(multi.getCount()));
            for (int i = 0; i < multi.getCount(); i++) {
                BodyPart child = multi.getBodyPart(i);
                part(path + i + "/", child, out);
            }
        } else if (content instanceof String text) {
            out.put(path + "text", normalise(text));
            if (type.match("text/html")) {
                html(path, text, out);
            }
        } else {
            out.put(path + "content", content.getClass().getName());
        }
    }

    /**
     * What an alert email's HTML says, whatever its markup: the title, the "[n] Firing" and
     * "[n] Resolved" headings and the "name = value" lines of labels and annotations, in order.
     * Kept apart from the whole text so that a body whose markup differs is still compared on these.
     */
    private static void html(String path, String text, Map<String, String> out) {
        out.put(path + "html:title", all(TITLE, text, m -> m.group(1)));
        out.put(path + "html:sections", all(SECTION, text, m -> "[" + m.group(1) + "] " + m.group(2)));
        out.put(path + "html:pairs", all(PAIR, text, m -> m.group(1) + " = " + m.group(2)));
    }

    private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>");
    private static final Pattern SECTION = Pattern.compile("\\[(\\d+)\\] (Firing|Resolved)");
    private static final Pattern PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*) = ([^<\\n]*)<br");

    private static String all(Pattern p, String text, java.util.function.Function<Matcher, String> f) {
        List<String> found = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            found.add(f.apply(m));
        }
        return found.toString();
    }

    /** Line ends as CRLF or LF alike, and the name the default templates give the sender. */
    private static String normalise(String text) {
        return text.replace("\r\n", "\n").replace("Alertmanager", "<sender>").replace("Promethium", "<sender>");
    }
}
