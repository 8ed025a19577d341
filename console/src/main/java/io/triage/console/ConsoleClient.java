package io.triage.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * One reviewer's HTTP client of the console, with its own cookies, doing what the pages' scripts do: for the demo's
 * simulated reviewer, scripts and tests.
 */
public final class ConsoleClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String url;
    private String csrf = "";
    private String setCookie = "";

    public ConsoleClient(String url) {
        this.url = url;
    }

    /** A client signed in as {@code name}. */
    public static ConsoleClient signedIn(String url, String name, String token) throws IOException, InterruptedException {
        ConsoleClient client = new ConsoleClient(url);
        client.signIn(name, token);
        return client;
    }

    /** @return where the sign-in redirected to */
    public String signIn(String name, String token) throws IOException, InterruptedException {
        String form = "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        setCookie = r.headers().firstValue("Set-Cookie").orElse("");
        HttpResponse<String> session = get("/api/session");
        if (session.statusCode() == 200) {
            csrf = JSON.readTree(session.body()).get("csrf").asText();
        }
        return r.headers().firstValue("Location").orElse("");
    }

    /** The Set-Cookie header of the last sign-in. */
    public String lastSetCookie() {
        return setCookie;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json, String csrfToken, String origin)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (csrfToken != null) {
            b.header(ConsoleServer.CSRF_HEADER, csrfToken);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call as the page makes it; an IOException unless it answers 200. */
    public JsonNode call(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = post(path, json, csrf, url);
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The status of a call made as the page makes it. */
    public int status(String path, String json) throws IOException, InterruptedException {
        return post(path, json, csrf, url).statusCode();
    }

    /** The event id of the item in a response, or null when there is none. */
    public static String eventId(JsonNode response) {
        JsonNode item = response.get("item");
        return item == null || item.isNull() ? null : item.get("eventId").asText();
    }

    /** The body of a skip. */
    public static String eventCall(String eventId) {
        return JSON.createObjectNode().put("eventId", eventId).toString();
    }

    public static String labelCall(String eventId, String label) {
        return JSON.createObjectNode().put("eventId", eventId).put("label", label).toString();
    }
}
