package org.emgmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.emgmm.MixtureModel;
import org.emgmm.data.Dataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emgmm predict}: component labels, or responsibilities with {@code --proba}, for each sample. */
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

    @Override
    public Integer call() throws Exception {
        Outputs.checkWritable(output, "--output");
        ModelInput.Loaded loaded = modelInput.load();
        MixtureModel m = loaded.model();
        Dataset data = loaded.data().data();
        if (proba) {
            Outputs.write(output, spec.commandLine().getOut(), w -> {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < m.nComponents(); j++) {
                    sb.append(j == 0 ? "p" : ",p").append(j);
                }
                w.write(sb.append('\n').toString());
                RowBlocks.forEach(data, m.nFeatures(), (i, x) -> {
                    double[] row = m.predictProba(x);
                    sb.setLength(0);
                    for (int j = 0; j < row.length; j++) {
                        if (j > 0) {
                            sb.append(',');
                        }
                        sb.append(Outputs.num(row[j]));
                    }
                    w.write(sb.append('\n').toString());
                });
            });
        } else {
            Outputs.write(output, spec.commandLine().getOut(), w -> RowBlocks.forEach(data, m.nFeatures(),
                    (i, x) -> {
                        w.write(Integer.toString(m.predict(x)));
                        w.write('\n');
                    }));
        }
        return 0;
    }
}
