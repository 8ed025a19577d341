package io.triage.model.io;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where artifacts may come from: folders on this machine and {@code http(s)} URL prefixes. A location is checked on
 * its normalised form — {@code ..} resolved, a folder's real path with symbolic links followed — so that neither
 * {@code file:///store/../etc} nor a link inside the store can point outside it.
 */
public final class AllowedLocations {
    private final List<Path> folders = new ArrayList<>();
    private final List<URI> urls = new ArrayList<>();

    /** @param prefixes folder paths, {@code file:} URIs or {@code http(s)://host[:port]/path/} prefixes */
    public AllowedLocations(List<String> prefixes) {
        for (String p : prefixes) {
            URI uri = parse(p);
            String scheme = scheme(uri);
            switch (scheme) {
                case "file" -> folders.add(localPath(p, uri).toAbsolutePath().normalize());
                case "http", "https" -> urls.add(directory(uri.normalize()));
                default -> throw new IllegalArgumentException("allowed artifact location '" + p
                        + "' must be a folder, a file: URI or an http(s): URL");
            }
        }
    }

    public boolean isEmpty() {
        return folders.isEmpty() && urls.isEmpty();
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        folders.forEach(f -> all.add(f.toString()));
        urls.forEach(u -> all.add(u.toString()));
        return all.toString();
    }

    /**
     * The artifact folder an allowed {@code file:} URI or path names, as its real path.
     *
     * @throws ArtifactRejectedException when it lies outside every allowed folder or is a symbolic link
     */
    Path checkFolder(String uri, URI parsed) throws IOException {
        Path dir = localPath(uri, parsed).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IOException("artifact folder " + dir + " does not exist");
        }
        if (Files.isSymbolicLink(dir)) {
            throw new ArtifactRejectedException(ArtifactRejectedException.Why.NOT_ALLOWED, "artifact folder " + dir
                    + " is a symbolic link; artifacts are read from real folders only");
        }
        Path real = dir.toRealPath();
        for (Path allowed : folders) {
            Path base = Files.exists(allowed) ? allowed.toRealPath() : allowed;
            if (real.startsWith(base) && !real.equals(base)) {
                return real;
            }
        }
        throw new ArtifactRejectedException(ArtifactRejectedException.Why.NOT_ALLOWED, "artifact folder " + real
                + " is outside the allowed locations " + this);
    }

    /** @throws ArtifactRejectedException when the URL does not start with an allowed prefix (after normalising) */
    URI checkUrl(URI url) throws ArtifactRejectedException {
        URI normal = url.normalize();
        if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                || url.getHost() == null || normal.getRawPath() == null || normal.getRawPath().contains("/../")
                || normal.getRawPath().startsWith("/..")) {
            throw new ArtifactRejectedException(ArtifactRejectedException.Why.NOT_ALLOWED, "artifact URL " + url
                    + " has user info, a query, a fragment, no host, or leaves its root");
        }
        URI dir = directory(normal);
        for (URI allowed : urls) {
            if (sameOrigin(allowed, dir) && dir.getRawPath().startsWith(allowed.getRawPath())) {
                return dir;
            }
        }
        throw new ArtifactRejectedException(ArtifactRejectedException.Why.NOT_ALLOWED, "artifact URL " + url
                + " is outside the allowed locations " + this);
    }

    static URI parse(String uri) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            return Path.of(uri).toUri(); // a plain path with characters a URI must escape
        }
    }

    static String scheme(URI uri) {
        return uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static Path localPath(String raw, URI uri) {
        return uri.getScheme() == null ? Path.of(raw) : Path.of(uri);
    }

    private static URI directory(URI uri) {
        String s = uri.toString();
        return URI.create(s.endsWith("/") ? s : s + "/");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
