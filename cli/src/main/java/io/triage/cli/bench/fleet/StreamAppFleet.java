package io.triage.cli.bench.fleet;

import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Stream-app instances as separate JVMs, as a fleet of pods would run them: one settings file and one state folder
 * per instance (kept across its restarts, like a StatefulSet's volume), one log file per incarnation. Instances are
 * numbered from 0; {@link #kill} is SIGKILL (no shutdown hook runs), {@link #stop} is SIGTERM (the app closes).
 * Each child runs on this JVM's class path, so whatever runs this (the chaos test, {@code triage bench chaos}) must
 * have the stream app on it.
 */
public final class StreamAppFleet implements AutoCloseable {
    private static final long EXIT_WAIT_S = 60;

    private final Path dir;
    private final Map<String, String> settings;
    private final List<String> jvmOptions;
    private final Map<Integer, Process> running = new TreeMap<>();
    private final Map<Integer, Integer> incarnations = new HashMap<>();
    private final Map<Integer, Integer> httpPorts = new HashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * @param settings   the stream-app settings every instance gets; {@link #start(int, Map)} adds its own
     * @param jvmOptions e.g. {@code -Xmx1g}
     */
    public StreamAppFleet(Path dir, Map<String, String> settings, List<String> jvmOptions) {
        this.dir = dir;
        this.settings = Map.copyOf(settings);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Starts instance {@code id} (again) with its own state folder. */
    public void start(int id) {
        start(id, Map.of());
    }

    /** Starts instance {@code id} (again) with its own state folder and {@code extra} settings. */
    public synchronized void start(int id, Map<String, String> extra) {
        if (isRunning(id)) {
            throw new IllegalStateException("instance " + id + " is running");
        }
        try {
            Path config = writeSettings(id, extra);
            int incarnation = incarnations.merge(id, 1, Integer::sum) - 1;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new java.util.ArrayList<>(List.of(java, "-Dai.djl.offline=true"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), TriageStreamApp.class.getName(),
                    "--config", config.toString()));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log(id, incarnation).toFile())
                    .start();
            running.put(id, p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start instance " + id, e);
        }
    }

    /**
     * Waits until instance {@code id} answers {@code /ready} (a model serves and Kafka Streams is RUNNING, so it has
     * its tasks); fails if it exits or the timeout passes first.
     */
    public void awaitReady(int id, Duration timeout) throws InterruptedException {
        URI ready = URI.create("http://127.0.0.1:" + httpPorts.get(id) + "/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isRunning(id)) {
                throw new IllegalStateException("instance " + id + " exited; see " + log(id));
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the ops server starts with the app
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("instance " + id + " not ready within " + timeout + "; see " + log(id));
    }

    /**
     * Waits until instance {@code id}'s log says Kafka Streams is starting: its model is loaded and it joins the group
     * now, so its partitions are about to move.
     */
    public void awaitJoining(int id, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Path log = log(id);
            if (Files.exists(log) && Files.readString(log).contains("starting Kafka Streams")) {
                return;
            }
            if (!isRunning(id)) {
                throw new IllegalStateException("instance " + id + " exited; see " + log);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("instance " + id + " did not start Kafka Streams; see " + log(id));
    }

    private Path writeSettings(int id, Map<String, String> extra) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(StreamAppSettings.HTTP_PORT, Integer.toString(httpPorts.computeIfAbsent(id, ignored -> freePort())));
        p.put(StreamAppSettings.HTTP_BIND_ADDRESS, "127.0.0.1");
        // the state folder keeps the process id, so a restart takes its tasks back and fences its dead incarnation
        p.put("kafka.state.dir", dir.resolve("instance-" + id).resolve("state").toString());
        p.putAll(extra);
        Path config = dir.resolve("instance-" + id + ".properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            p.store(out, "fleet instance " + id);
        }
        return config;
    }

    /** SIGKILL: no flush, no commit, no goodbye to the group; waits until the process is gone. */
    public synchronized void kill(int id) throws InterruptedException {
        Process p = process(id);
        p.destroyForcibly();
        p.waitFor(EXIT_WAIT_S, TimeUnit.SECONDS);
        running.remove(id);
    }

    /**
     * SIGTERM: the app closes; returns its exit status once it has exited: 143 (128 + SIGTERM) after a clean close,
     * -1 if it had to be killed.
     */
    public synchronized int stop(int id) throws InterruptedException {
        Process p = process(id);
        p.destroy();
        running.remove(id);
        if (!p.waitFor(EXIT_WAIT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    public synchronized boolean isRunning(int id) {
        Process p = running.get(id);
        return p != null && p.isAlive();
    }

    /** The log of the latest incarnation of instance {@code id}. */
    public synchronized Path log(int id) {
        return log(id, incarnations.getOrDefault(id, 1) - 1);
    }

    private Path log(int id, int incarnation) {
        return dir.resolve("instance-" + id + "-" + incarnation + ".log");
    }

    /**
     * The last {@code n} WARN or ERROR lines of instance {@code id}'s latest log, each cut to {@code width}
     * characters: what a failure message shows of an instance, for a run whose log files are gone with its machine.
     */
    public List<String> lastProblems(int id, int n, int width) {
        try (var lines = Files.lines(log(id), StandardCharsets.UTF_8)) {
            List<String> problems = lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
            return problems.subList(Math.max(0, problems.size() - n), problems.size()).stream()
                    .map(l -> l.length() > width ? l.substring(0, width) : l).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }

    /**
     * The last {@code n} lines of instance {@code id}'s latest log, whatever their level, each cut to {@code width}
     * characters: how a process that died ended (a native crash writes no WARN line).
     */
    public List<String> lastLines(int id, int n, int width) {
        try (var lines = Files.lines(log(id), StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return all.subList(Math.max(0, all.size() - n), all.size()).stream()
                    .map(l -> l.length() > width ? l.substring(0, width) : l).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }

    /** Every log file, for a failure message. */
    public String logs() {
        return dir.toString() + "/instance-*.log";
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private Process process(int id) {
        Process p = running.get(id);
        if (p == null) {
            throw new IllegalStateException("instance " + id + " is not running");
        }
        return p;
    }

    /** Kills every instance still running. */
    @Override
    public synchronized void close() {
        running.values().forEach(Process::destroyForcibly);
        for (Process p : running.values()) {
            try {
                p.waitFor(EXIT_WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        running.clear();
    }
}
