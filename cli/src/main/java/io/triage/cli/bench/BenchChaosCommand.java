package io.triage.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code triage bench chaos}: the chaos run ({@link ChaosRun}) with figures, once per {@code standby.replicas}
 * value: per fault, events lost and duplicated (must be 0), failover time and p99 latency before and during it.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "A fleet of 3 stream apps on 6 partitions and 3 brokers under steady Avro load, with faults "
                + "injected in turn; prints per fault: events lost / duplicated, failover time, p99 latency before "
                + "vs during it. Once per --standby value.")
final class BenchChaosCommand implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "30", description = "Events/s offered (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--keys", defaultValue = "24", description = "Keys the events cycle through (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--settle-s", defaultValue = "10",
            description = "Seconds of steady load before each fault: the 'before' window (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--standby", split = ",", defaultValue = "1,0",
            description = "standby.replicas values, a whole run each (default: ${DEFAULT-VALUE}).")
    List<Integer> standby;

    @Override
    public Integer call() throws Exception {
        Duration settle = Duration.ofSeconds(settleSeconds);
        System.out.printf(Locale.ROOT, "chaos: %d stream apps (+1 joining) on %d partitions, 3 brokers, %.0f events/s"
                + " over %d keys, %d s before each fault%n%n", ChaosRun.INSTANCES, ChaosRun.PARTITIONS, rate, keys,
                settleSeconds);
        boolean clean = true;
        for (int s : standby) {
            Path dir = Files.createTempDirectory("triage-chaos-");
            ChaosRun.Result result;
            try (ChaosRun run = new ChaosRun(new ChaosRun.Settings(dir, rate, keys, settle, s))) {
                result = run.run();
            }
            System.out.println(ChaosReport.of(result, settle));
            System.out.println("(the instances' logs: " + dir + ")");
            System.out.println();
            FleetAudit audit = new FleetAudit(result);
            clean &= audit.lost().isEmpty() && audit.duplicated().isEmpty() && audit.outOfOrder().isEmpty()
                    && audit.versionsBack().isEmpty();
        }
        return clean ? 0 : 1;
    }
}
