package io.triage.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over a plain socket on loopback, byte for byte as written: for requests a well-behaved client would not
 * send (paths with {@code ..}, half a request, a body it never finishes) and to time one answer on a fresh connection.
 */
final class RawHttp {
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    /** Status code and body of one answer. */
    record Answer(int status, String head, String body) {
        boolean hasHeader(String name, String value) {
            return head.lines().anyMatch(l -> l.equalsIgnoreCase(name + ": " + value));
        }
    }

    private RawHttp() {}

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) ANSWER_TIMEOUT.toMillis());
        return socket;
    }

    /** {@code method path} with {@code Connection: close} and the given extra header lines. */
    static Answer send(int port, String method, String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headers) {
            request.append(h).append("\r\n");
        }
        return exchange(port, request.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code request} and reads the answer until the server closes (at most {@link #ANSWER_TIMEOUT}). */
    static Answer exchange(int port, byte[] request) throws IOException {
        try (Socket socket = connect(port)) {
            socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
            try {
                socket.getOutputStream().write(request);
            } catch (SocketException e) {
                // the server may answer and close before it took all of an oversized request: read what it said
            }
            return parse(readToEnd(socket.getInputStream()));
        }
    }

    static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // reset after the answer: what came before is the answer
        }
        return out.toByteArray();
    }

    private static Answer parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IOException("not an HTTP answer: " + text);
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
    }
}
