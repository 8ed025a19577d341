package io.triage.cli;

import io.triage.console.ConsoleSettings;
import io.triage.console.TriageConsole;
import io.triage.service.ServiceRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code triage console [settings.properties]}: runs the review console until Ctrl-C. */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = "Run the review console (docs/console.md): a web page where people label the events the model "
                + "is unsure of. Settings from the file and TRIAGE_* variables; console.token is required.")
final class ConsoleCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SETTINGS", description = "A properties file of console settings.")
    Path settings;

    @Override
    public Integer call() throws Exception {
        TriageConsole console = TriageConsole.start(ConsoleSettings.load(settings, System.getenv()));
        System.out.println("review console at http://localhost:" + console.port() + "/ (Ctrl-C stops it)");
        return ServiceRunner.runUntilStopped(console, console::isLive);
    }
}
