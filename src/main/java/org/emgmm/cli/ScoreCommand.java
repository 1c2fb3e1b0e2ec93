package org.emgmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.emgmm.MixtureModel;
import org.emgmm.data.Dataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emgmm score}: the mean log-likelihood of data under a model, or each sample's. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mean log-likelihood of data under a model, or each sample's.",
            "Prints the (weighted) mean log-likelihood, as scikit-learn's score(X); with --per-sample writes",
            "each sample's log p(x) instead, one per line (score_samples)."},
        footer = {"", "Examples:",
            "  emgmm score --model model.json --input test.csv",
            "  emgmm score --model model.json --input test.csv --per-sample --output loglik.txt"})
final class ScoreCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelInput modelInput;

    @Option(names = "--per-sample", description = "Write log p(x) of every sample, one per line.")
    boolean perSample;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (atomically), not to stdout.")
    Path output;

    @Override
    public Integer call() throws Exception {
        Outputs.checkWritable(output, "--output");
        ModelInput.Loaded loaded = modelInput.load();
        MixtureModel m = loaded.model();
        Dataset data = loaded.data().data();
        if (perSample) {
            Outputs.write(output, spec.commandLine().getOut(), w -> RowBlocks.forEach(data, m.nFeatures(),
                    (i, x) -> {
                        w.write(Outputs.num(m.scoreSample(x)));
                        w.write('\n');
                    }));
        } else {
            double s = m.score(data);
            Outputs.write(output, spec.commandLine().getOut(), w -> w.write(Outputs.num(s) + "\n"));
        }
        return 0;
    }
}
