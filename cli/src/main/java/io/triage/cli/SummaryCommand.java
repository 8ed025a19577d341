package io.triage.cli;

import io.triage.model.ClassifierModel;
import io.triage.model.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print the model's architecture tree and parameter counts (encoder vs head).")
final class SummaryCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        try (ClassifierModel m = model.load()) {
            System.out.print(ModelSummary.render(m));
        }
        return 0;
    }
}
