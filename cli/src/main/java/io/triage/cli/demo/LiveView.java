package io.triage.cli.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The demo's terminal output: story lines that stay, and below them a status block redrawn in place every second
 * with ANSI escape codes. Without a terminal (a pipe, a file, CI) the block becomes one plain line now and then, so
 * logs stay readable.
 */
final class LiveView implements AutoCloseable {
    private static final String CLEAR_LINE = "\u001b[2K";
    private static final String CLEAR_TO_END = "\u001b[J";

    private final PrintWriter out;
    private final boolean ansi;
    private final Supplier<List<String>> status;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-live-view");
        t.setDaemon(true);
        return t;
    });
    private int drawnLines;
    private boolean closed;
    private String lastPlain = "";

    /**
     * @param ansi   redraw in place (a terminal), or print plain lines
     * @param status the status block's lines, asked for at every refresh
     */
    LiveView(PrintWriter out, boolean ansi, Supplier<List<String>> status) {
        this.out = out;
        this.ansi = ansi;
        this.status = status;
    }

    /** Starts refreshing: every second in a terminal, else every {@code plainEvery}. */
    void start(Duration plainEvery) {
        long period = ansi ? 1000 : plainEvery.toMillis();
        refresher.scheduleAtFixedRate(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    /** A story line: printed above the status block and kept. */
    synchronized void println(String line) {
        eraseBlock();
        out.println(line);
        drawBlock();
    }

    private synchronized void refresh() {
        if (closed) {
            return;
        }
        try {
            if (ansi) {
                eraseBlock();
                drawBlock();
            } else {
                String line = status.get().stream().map(String::strip).collect(Collectors.joining(" | "));
                if (!line.isEmpty() && !line.equals(lastPlain)) { // an idle demo does not repeat itself
                    out.println(line);
                    out.flush();
                    lastPlain = line;
                }
            }
        } catch (RuntimeException e) {
            out.println("(live view: " + e + ")"); // a broken refresh must not kill the refresher silently
            out.flush();
        }
    }

    private void eraseBlock() {
        if (ansi && drawnLines > 0) {
            out.print("\u001b[" + drawnLines + "F" + CLEAR_TO_END); // to the block's first line, then erase it all
        }
        drawnLines = 0;
    }

    private void drawBlock() {
        if (ansi) {
            List<String> lines = status.get();
            for (String line : lines) {
                out.print(CLEAR_LINE + line + "\n");
            }
            drawnLines = lines.size();
        }
        out.flush();
    }

    /**
     * Stops refreshing and leaves the screen as it is: for when something else printed below the block (a Ctrl-C
     * echo, an error), where a redraw would overwrite it.
     */
    synchronized void abandon() {
        closed = true;
        refresher.shutdownNow();
        out.flush();
    }

    /** Stops refreshing and leaves the last status block on screen. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (ansi) {
                eraseBlock();
                drawBlock();
                drawnLines = 0; // what follows prints below it
            }
            out.flush();
        }
    }
}
