package org.emgmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreBlock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emgmm score}: the mean log-likelihood of data under a model, or each sample's, from one scoring pass of
 * the backend.
 */
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

    @Mixin
    ScoringOptions scoring;

    /** Opens the backend (tests give a recording one). */
    BackendOpener opener = BackendOpener.STANDARD;

    @Override
    public Integer call() throws Exception {
        return ScoringRun.call(spec, modelInput, output, scoring, opener, (scorer, m, data, cl) -> {
            if (perSample) {
                Outputs.write(output, cl.getOut(),
                        w -> ScoringRun.write(scorer, data, RowOutput.LOG_PROB, ScoreCommand::logProbText, w));
            } else {
                double s = scorer.score(data);
                Outputs.write(output, cl.getOut(), w -> w.write(Outputs.num(s) + "\n"));
            }
        });
    }

    /** One log p(x) per line. */
    static String logProbText(ScoreBlock b) {
        double[] v = b.logProb();
        StringBuilder sb = new StringBuilder(b.count() * 20);
        for (int i = 0; i < b.count(); i++) {
            sb.append(Outputs.num(v[i])).append('\n');
        }
        return sb.toString();
    }
}
