package io.triage.cli.bench;

import picocli.CommandLine.Command;

/** Benchmarks print figures; they never assert on time. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print tables.",
        subcommands = {BenchModelCommand.class, BenchStreamCommand.class, BenchTrainCommand.class, BenchSwapCommand.class,
                BenchChaosCommand.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
