package io.triage.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads by group, read from {@code /proc/self/task}: native threads included, so
 * PyTorch's OpenMP workers count too (the JVM cannot see them), plus whole child processes. Linux only; elsewhere
 * the snapshot is empty.
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** USER_HZ: the kernel reports thread times in these ticks. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Function<String, String> groupOf;
    private final Map<String, Long> processes;

    /**
     * @param groupOf maps a thread's name (the kernel's: at most 15 characters) to the group it counts in
     * @param processes other processes to count whole: group name to process id
     */
    ThreadCpu(Function<String, String> groupOf, Map<String, Long> processes) {
        this.groupOf = groupOf;
        this.processes = processes;
    }

    /** CPU time in clock ticks and the group it counts in, per thread id (or process, as "pid" + id). */
    record Snapshot(Map<String, Long> ticks, Map<String, String> groups, long nanos) {
        /** CPU time per group since {@code before}, as a share of one core over the wall time between the two. */
        Map<String, Double> coresSince(Snapshot before) {
            double wall = (nanos - before.nanos) / 1e9;
            Map<String, Double> out = new TreeMap<>();
            ticks.forEach((id, t) -> {
                long used = t - before.ticks.getOrDefault(id, 0L); // threads born since then started at 0
                if (used > 0) {
                    out.merge(groups.get(id), used / TICKS_PER_SECOND / wall, Double::sum);
                }
            });
            return out;
        }
    }

    Snapshot snapshot() {
        Map<String, Long> ticks = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                read(task.resolve("stat")).ifPresent(stat -> {
                    ticks.put(task.getFileName().toString(), stat.ticks());
                    groups.put(task.getFileName().toString(), groupOf.apply(stat.name()));
                });
            }
            processes.forEach((group, pid) -> read(Path.of("/proc", pid.toString(), "stat")).ifPresent(stat -> {
                ticks.put("pid" + pid, stat.ticks());
                groups.put("pid" + pid, group);
            }));
        } catch (IOException notLinux) {
            // no /proc: an empty snapshot
        }
        return new Snapshot(ticks, groups, System.nanoTime());
    }

    private record Stat(String name, long ticks) {}

    /** The name and utime + stime of a thread or process; empty when it has ended meanwhile. */
    private static Optional<Stat> read(Path stat) {
        try {
            String line = Files.readString(stat);
            // the name sits in parentheses and may hold spaces: the fields to count start after the last ')'
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new Stat(line.substring(line.indexOf('(') + 1, line.lastIndexOf(')')),
                    Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
        } catch (IOException | RuntimeException ended) {
            return Optional.empty(); // its time is lost either way
        }
    }

    /** "model 1.62, stream 0.11, ..." cores used per group between two snapshots, largest first. */
    String describe(Snapshot before, Snapshot after) {
        Map<String, Double> cores = after.coresSince(before);
        if (cores.isEmpty()) {
            return "n/a (no /proc)";
        }
        List<Map.Entry<String, Double>> sorted = cores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
        StringBuilder out = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> e : sorted) {
            out.append(String.format(Locale.ROOT, "%s %.2f, ", e.getKey(), e.getValue()));
            total += e.getValue();
        }
        return out.append(String.format(Locale.ROOT, "total %.2f of %d cores", total,
                Runtime.getRuntime().availableProcessors())).toString();
    }
}
