package io.triage.cli.demo;

import org.jsoup.Jsoup;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The readable part of a raw e-mail (RFC 822 headers, MIME body): the decoded subject and the beginning of the body
 * text, whitespace collapsed. A classifier should see what a reader sees, not routing headers, transfer encodings or
 * HTML markup. Multipart mails give their first {@code text/plain} part, else their first {@code text/html} part.
 */
final class MailText {
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");
    /** RFC 2047: white space between two encoded words is not part of the text. */
    private static final Pattern BETWEEN_ENCODED_WORDS = Pattern.compile("(\\?=)\\s+(?==\\?)");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00a0\\ufffd]+");
    /** Nested multiparts deeper than this are not searched: real mail nests two or three levels. */
    private static final int MAX_DEPTH = 8;

    private MailText() {}

    /** The subject, a line break, then the body text, cut to at most {@code maxChars} characters. */
    static String of(String rawMail, int maxChars) {
        Part mail = Part.parse(rawMail.replace("\r\n", "\n"));
        String subject = collapse(decodeHeader(mail.header("subject")));
        String body = collapse(mail.readableText(0).orElse(""));
        return cap((subject + "\n" + body).strip(), maxChars);
    }

    /** Decodes RFC 2047 encoded words ({@code =?charset?B|Q?...?=}) in a header value. */
    static String decodeHeader(String value) {
        String joined = BETWEEN_ENCODED_WORDS.matcher(value).replaceAll("$1");
        Matcher m = ENCODED_WORD.matcher(joined);
        return m.replaceAll(word -> Matcher.quoteReplacement(decodeWord(word.group(1), word.group(2), word.group(3))));
    }

    private static String decodeWord(String charset, String encoding, String text) {
        byte[] bytes;
        if (encoding.equalsIgnoreCase("B")) {
            try {
                bytes = Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException notBase64) {
                return text;
            }
        } else {
            bytes = quotedPrintable(text.replace('_', ' '));
        }
        return new String(bytes, charset(charset));
    }

    /** Quoted-printable to bytes: {@code =XX} is a byte, {@code =} at a line end joins the lines. */
    static byte[] quotedPrintable(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i++;
            } else if (c == '=' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c < 256 ? c : '?'); // quoted-printable is ASCII; anything else is already broken
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** The named charset, or ISO-8859-1 (every byte is a character) when Java does not know it. */
    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return StandardCharsets.ISO_8859_1;
        }
        String plain = name.split("\\*", 2)[0].trim(); // RFC 2231 language suffix: utf-8*en
        try {
            return Charset.forName(plain);
        } catch (IllegalArgumentException unknown) { // IllegalCharsetName- and UnsupportedCharsetException
            return StandardCharsets.ISO_8859_1;
        }
    }

    private static String collapse(String text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }

    private static String cap(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    /** A message or a MIME part: its headers (names in lower case, first one wins) and its raw body. */
    private record Part(Map<String, String> headers, String body) {
        static Part parse(String text) {
            int end = text.startsWith("\n") ? 0 : text.indexOf("\n\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + (end == 0 ? 1 : 2));
            Map<String, String> headers = new LinkedHashMap<>();
            String name = null;
            StringBuilder value = new StringBuilder();
            for (String line : head.split("\n")) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                    value.append(' ').append(line.strip()); // a folded header continues
                    continue;
                }
                if (name != null) {
                    headers.putIfAbsent(name, value.toString());
                }
                int colon = line.indexOf(':');
                // a header name has no spaces: this skips the mbox "From sender date" line
                name = colon > 0 && !WHITESPACE.matcher(line.substring(0, colon)).find()
                        ? line.substring(0, colon).toLowerCase(Locale.ROOT) : null;
                value.setLength(0);
                if (name != null) {
                    value.append(line.substring(colon + 1).strip());
                }
            }
            if (name != null) {
                headers.putIfAbsent(name, value.toString());
            }
            return new Part(headers, body);
        }

        String header(String name) {
            return headers.getOrDefault(name, "");
        }

        /** The MIME type in lower case; {@code text/plain} when the part does not say. */
        String mimeType() {
            String type = header("content-type").split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            return type.isEmpty() ? "text/plain" : type;
        }

        /** A parameter of the Content-Type header, e.g. {@code boundary} or {@code charset}. */
        String typeParameter(String parameter) {
            Matcher m = Pattern.compile("(?i);\\s*" + parameter + "\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))")
                    .matcher(header("content-type"));
            return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
        }

        Optional<String> readableText(int depth) {
            return find("text/plain", depth).or(() -> find("text/html", depth).map(html -> Jsoup.parse(html).text()));
        }

        private Optional<String> find(String wanted, int depth) {
            String type = mimeType();
            if (type.startsWith("multipart/")) {
                if (depth >= MAX_DEPTH) {
                    return Optional.empty();
                }
                for (Part child : children()) {
                    Optional<String> found = child.find(wanted, depth + 1);
                    if (found.isPresent()) {
                        return found;
                    }
                }
                return Optional.empty();
            }
            return type.equals(wanted) ? Optional.of(decodedBody()) : Optional.empty();
        }

        /** The parts between the boundary lines; an unterminated last part still counts. */
        private List<Part> children() {
            String boundary = typeParameter("boundary");
            List<Part> parts = new ArrayList<>();
            if (boundary == null) {
                return parts;
            }
            String delimiter = "--" + boundary;
            StringBuilder current = null;
            for (String line : body.split("\n", -1)) {
                String trimmed = line.stripTrailing();
                boolean closing = trimmed.equals(delimiter + "--");
                if (closing || trimmed.equals(delimiter)) {
                    if (current != null) {
                        parts.add(parse(current.toString()));
                    }
                    if (closing) {
                        return parts;
                    }
                    current = new StringBuilder();
                } else if (current != null) {
                    current.append(line).append('\n');
                }
            }
            if (current != null) {
                parts.add(parse(current.toString()));
            }
            return parts;
        }

        /** The body with its transfer encoding undone, in its charset. */
        private String decodedBody() {
            String encoding = header("content-transfer-encoding").trim().toLowerCase(Locale.ROOT);
            byte[] bytes;
            if (encoding.equals("quoted-printable")) {
                bytes = quotedPrintable(body);
            } else if (encoding.equals("base64")) {
                try {
                    bytes = Base64.getMimeDecoder().decode(body.strip());
                } catch (IllegalArgumentException broken) {
                    return body;
                }
            } else {
                return body; // 7bit, 8bit, binary: the package already gives the characters
            }
            return new String(bytes, charset(typeParameter("charset")));
        }
    }
}
