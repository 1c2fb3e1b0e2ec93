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
 * {@code emgmm predict}: component labels, or responsibilities with {@code --proba}, for each sample, from one
 * scoring pass of the backend, written as it goes.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Most probable component of each sample, or all responsibilities.",
            "Writes one 0-based label per line; with --proba, the responsibilities as CSV (header p0,p1,...;",
            "one row per sample)."},
        footer = {"", "Examples:",
            "  emgmm predict --model model.json --input data.csv > labels.txt",
            "  emgmm predict --model model.json --input data.npy --proba --output proba.csv"})
final class PredictCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelInput modelInput;

    @Option(names = "--proba", description = "Write responsibilities (posterior probabilities) instead of labels.")
    boolean proba;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (atomically), not to stdout.")
    Path output;

    @Mixin
    ScoringOptions scoring;

    /** Opens the backend (tests give a recording one). */
    BackendOpener opener = BackendOpener.STANDARD;

    @Override
    public Integer call() throws Exception {
        return ScoringRun.call(spec, modelInput, output, scoring, opener, (scorer, m, data, cl) -> {
            if (proba) {
                Outputs.write(output, cl.getOut(), w -> {
                    StringBuilder sb = new StringBuilder();
                    for (int j = 0; j < m.nComponents(); j++) {
                        sb.append(j == 0 ? "p" : ",p").append(j);
                    }
                    w.write(sb.append('\n').toString());
                    ScoringRun.write(scorer, data, RowOutput.PROBA, PredictCommand::probaText, w);
                });
            } else {
                Outputs.write(output, cl.getOut(),
                        w -> ScoringRun.write(scorer, data, RowOutput.LABEL, PredictCommand::labelText, w));
            }
        });
    }

    /** One label per line. */
    static String labelText(ScoreBlock b) {
        int[] labels = b.labels();
        StringBuilder sb = new StringBuilder(b.count() * 3);
        for (int i = 0; i < b.count(); i++) {
            sb.append(labels[i]).append('\n');
        }
        return sb.toString();
    }

    /** One CSV row of responsibilities per sample. */
    static String probaText(ScoreBlock b) {
        double[] p = b.proba();
        int k = b.k();
        StringBuilder sb = new StringBuilder(b.count() * k * 12);
        for (int i = 0; i < b.count(); i++) {
            for (int j = 0; j < k; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                sb.append(Outputs.num(p[i * k + j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
