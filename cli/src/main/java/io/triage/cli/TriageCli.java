package io.triage.cli;

import io.triage.cli.bench.BenchCommand;
import io.triage.cli.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code triage} command. */
@Command(name = "triage", mixinStandardHelpOptions = true, version = "triage 0.1.0",
        description = "Real-time text classification on Kafka with transformer models.",
        subcommands = {SummaryCommand.class, ClassifyCommand.class, ExplainCommand.class, TrainCommand.class, ReportCommand.class,
            BenchCommand.class,
            DemoCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            KeysCommand.class,
            SchemasCommand.class,
            ConsoleCommand.class})
public final class TriageCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TriageCli()).execute(args));
    }
}
