package io.triage.cli;

import io.triage.cli.bench.BenchCommand;
import io.triage.cli.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;

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
        System.exit(commandLine().execute(args));
    }

    /** The command line, with user errors answered in one line. */
    static CommandLine commandLine() {
        return new CommandLine(new TriageCli()).setExecutionExceptionHandler(TriageCli::userError);
    }

    /**
     * A missing model folder or a bad argument is the user's to fix: one line naming the command, not a stack trace
     * (set TRIAGE_DEBUG to see it). Anything else is a bug and keeps its stack trace.
     */
    private static int userError(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        boolean user = e instanceof IOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException;
        if (!user || System.getenv("TRIAGE_DEBUG") != null) {
            throw e;
        }
        command.getErr().println("triage " + command.getCommandName() + ": " + e.getMessage());
        return command.getCommandSpec().exitCodeOnExecutionException();
    }
}
