package io.triage.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Apicurio Registry 3 server (a Quarkus application) as a child process, with in-memory storage (or {@code kafkasql}: {@link #startOnKafka}) and the
 * global compatibility rule set to {@code BACKWARD}.
 *
 * <p>Where the server comes from: the build unpacks {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}
 * from Maven Central into {@code embedded/target/apicurio-registry}. The directory is looked up, in order, from the
 * system property {@value #HOME_PROPERTY}, the environment variable {@value #HOME_ENV}, and then
 * {@code embedded/target/apicurio-registry} (or {@code target/apicurio-registry}) under the working directory or any
 * of its parents. It must contain {@code quarkus-run.jar}.
 *
 * <p>The server needs Java 21 or newer, found in this order: the system property {@code triage.registry.java}, the
 * environment variable {@code TRIAGE_REGISTRY_JAVA} (each a JDK home or its {@code bin/java}), this JVM if it is 21+,
 * {@code JAVA_HOME} if it is 21+, and the newest 21+ JDK under {@code /usr/lib/jvm} (by its {@code release} file).
 *
 * <p>The child's output goes to {@link #logFile()}. A JVM shutdown hook stops the child if {@link #close()} is never
 * called, so it does not outlive this JVM (except on {@code kill -9}).
 */
public final class EmbeddedRegistry implements AutoCloseable {

    public static final String HOME_PROPERTY = "triage.registry.home";
    public static final String HOME_ENV = "TRIAGE_REGISTRY_HOME";
    private static final String UNPACKED_DIR = "target/apicurio-registry";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> command;
    private volatile Process process;
    private final Path workDir;
    private final String url;
    private final HttpClient http;
    private final Thread shutdownHook;

    private EmbeddedRegistry(List<String> command, Process process, Path workDir, String url, HttpClient http) {
        this.command = List.copyOf(command);
        this.process = process;
        this.workDir = workDir;
        this.url = url;
        this.http = http;
        this.shutdownHook = new Thread(() -> {
            stopProcess();
            deleteRecursively(workDir);
        }, "embedded-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the registry on a random free port. */
    public static EmbeddedRegistry start() {
        return start(0);
    }

    /** Starts the registry on {@code 127.0.0.1:port}; {@code 0} picks a free port. */
    public static EmbeddedRegistry start(int port) {
        // in-memory H2 is the default storage of 3.x ("sql" + "h2" + jdbc:h2:mem:); say so explicitly
        return start(port, List.of("-Dapicurio.storage.kind=sql", "-Dapicurio.storage.sql.kind=h2",
                // the default pool keeps 20 connections open; a demo needs a few
                "-Dapicurio.datasource.jdbc.initial-size=2", "-Dapicurio.datasource.jdbc.min-size=2",
                "-Dapicurio.datasource.jdbc.max-size=20"));
    }

    /**
     * Starts the registry with its {@code kafkasql} storage: every schema is kept in the Kafka topic {@code journal}
     * of {@code bootstrapServers}, so a new registry on the same topic knows every id an earlier one gave out (what
     * the compose file runs).
     */
    public static EmbeddedRegistry startOnKafka(String bootstrapServers, String journal) {
        return start(0, List.of("-Dapicurio.storage.kind=kafkasql",
                "-Dapicurio.kafkasql.bootstrap.servers=" + bootstrapServers,
                "-Dapicurio.kafkasql.topic=" + journal,
                "-Dapicurio.kafkasql.snapshots.topic=" + journal + "-snapshots"));
    }

    private static EmbeddedRegistry start(int port, List<String> storage) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (random) or 1-65535: " + port);
        }
        Path home = registryHome();
        Path java = JavaFinder.findJava21();
        int httpPort = port == 0 ? freePort() : port;
        // Quarkus serves health and metrics on a separate management port, 9000 by default: move it off 9000 so
        // that two registries, or anything else on 9000, do not clash.
        int managementPort = freePort();
        Path workDir;
        try {
            workDir = Files.createTempDirectory("triage-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary directory for the registry", e);
        }
        List<String> command = new java.util.ArrayList<>(List.of(
                java.toString(),
                // a small, quick-starting JVM: the registry only serves the few schemas of a demo or a test
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                // quieter log: no line per HTTP request
                "-Dquarkus.http.access-log.enabled=false",
                "-Dapicurio.storage.snapshot.location=" + workDir,
                "-Dapicurio.import.work-dir=" + workDir));
        command.addAll(storage);
        command.addAll(List.of("-jar", home.resolve("quarkus-run.jar").toString()));
        Process process = launch(command, workDir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        EmbeddedRegistry registry = new EmbeddedRegistry(command, process, workDir, "http://127.0.0.1:" + httpPort, http);
        try {
            registry.awaitReady();
            registry.setGlobalCompatibility("BACKWARD");
            return registry;
        } catch (RuntimeException e) {
            registry.stop(); // keeps the log for a look
            throw e;
        }
    }

    private static Process launch(List<String> command, Path workDir) {
        ProcessBuilder builder = new ProcessBuilder(command)
                // the working directory is ours: Quarkus would also read a stray ./config/application.properties or .env
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("registry.log").toFile()));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the registry with " + command.get(0), e);
        }
    }

    /**
     * Stops the server and starts it again on the same port with the same storage, as an operator's restart would;
     * returns once it answers again. Clients see it down meanwhile. With {@link #startOnKafka} storage it comes back
     * knowing every schema and id; the in-memory storage of {@link #start()} comes back empty.
     */
    public synchronized void restart() {
        stopProcess();
        process = launch(command, workDir);
        awaitReady();
        setGlobalCompatibility("BACKWARD");
    }

    /** The base address, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /** The registry's v3 REST API, the current native API. */
    public String apiV3Url() {
        return url + "/apis/registry/v3";
    }

    /** The registry's process id, for benchmarks that account for its CPU time. */
    public long pid() {
        return process.pid();
    }

    /** The registry's v2 REST API, which Apicurio's 2.x serdes talk to. Still served by 3.x. */
    public String apiV2Url() {
        return url + "/apis/registry/v2";
    }

    /** The Confluent Schema Registry compatible API (v7). */
    public String confluentCompatUrl() {
        return url + "/apis/ccompat/v7";
    }

    /** The file that receives the server's standard output and error. */
    public Path logFile() {
        return workDir.resolve("registry.log");
    }

    /**
     * Stops the server process (and any children of it), waits for it to exit and deletes its temporary directory
     * with the log.
     */
    @Override
    public void close() {
        stop();
        deleteRecursively(workDir);
    }

    private void stop() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or will run; stopping twice is harmless
        }
        stopProcess();
    }

    private void stopProcess() {
        // Descendants first: once the parent is gone they would be re-parented and harder to find.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Polls the system info endpoint until it answers 200, the process dies, or the timeout passes. */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(apiV3Url() + "/system/info"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The registry exited with code " + process.exitValue()
                        + " while starting; its log (" + logFile() + "):\n" + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException | HttpTimeoutException notYet) {
                // not listening yet
            } catch (IOException notYet) {
                // e.g. connection reset while Quarkus starts its HTTP server
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the registry", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The registry did not become ready within " + STARTUP_TIMEOUT
                        + "; its log (" + logFile() + "):\n" + logTail());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the registry", e);
            }
        }
    }

    /** Sets the global compatibility rule (POST, or PUT when the rule already exists). */
    private void setGlobalCompatibility(String level) {
        ObjectNode rule = JSON.createObjectNode().put("ruleType", "COMPATIBILITY").put("config", level);
        HttpResponse<String> created = send("POST", apiV3Url() + "/admin/rules", rule.toString());
        if (created.statusCode() == 409) {
            created = send("PUT", apiV3Url() + "/admin/rules/COMPATIBILITY", rule.toString());
        }
        if (created.statusCode() / 100 != 2) {
            throw new IllegalStateException("Could not set the global compatibility rule: HTTP "
                    + created.statusCode() + " " + created.body());
        }
    }

    private HttpResponse<String> send(String method, String uri, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + method + " " + uri, e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary directory is not worth failing for
        }
    }

    /** Finds the unpacked distribution; see the class comment for the order. */
    static Path registryHome() {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(HOME_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(home.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException("No quarkus-run.jar in the Apicurio Registry directory " + home
                        + " (from " + HOME_PROPERTY + " / " + HOME_ENV + ")");
            }
            return home;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve("embedded").resolve(UNPACKED_DIR), dir.resolve(UNPACKED_DIR))) {
                if (Files.isRegularFile(candidate.resolve("quarkus-run.jar"))) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("Apicurio Registry not found: set -D" + HOME_PROPERTY + "=<dir> or "
                + HOME_ENV + " to the directory holding quarkus-run.jar, or build the embedded module"
                + " (mvn -pl embedded package) to unpack it into embedded/" + UNPACKED_DIR);
    }

    /** A port that was free a moment ago. The small race with other processes is acceptable for tests and demos. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}
