package org.emgmm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.emgmm.MixtureModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emgmm sample}: draws samples from a model as CSV. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw samples from a model as CSV.",
            "Header x0,x1,...; with --labels a last column 'component' holds the component each sample came",
            "from. The same --seed gives the same samples."},
        footer = {"", "Examples:",
            "  emgmm sample --model model.json --n 1000 --seed 3 > synthetic.csv",
            "  emgmm sample --model model.json --n 1000000 --labels --output big.csv"})
final class SampleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "A saved model (JSON).")
    Path model;

    @Option(names = {"-n", "--n"}, required = true, paramLabel = "N", description = "Number of samples.")
    int n;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--labels", description = "Add a 'component' column.")
    boolean labels;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (atomically), not to stdout.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--n must be at least 1, got " + n);
        }
        Outputs.checkWritable(output, "--output");
        MixtureModel m = MixtureModel.load(model);
        MixtureModel.Samples s = m.sample(n, seed);
        List<String> names = Summary.names(m.nFeatures(), null);
        Outputs.write(output, spec.commandLine().getOut(), w -> {
            StringBuilder sb = new StringBuilder(String.join(",", names));
            if (labels) {
                sb.append(",component");
            }
            w.write(sb.append('\n').toString());
            double[][] x = s.x();
            int[] lab = s.labels();
            for (int i = 0; i < x.length; i++) {
                sb.setLength(0);
                for (int a = 0; a < x[i].length; a++) {
                    if (a > 0) {
                        sb.append(',');
                    }
                    sb.append(Outputs.num(x[i][a]));
                }
                if (labels) {
                    sb.append(',').append(lab[i]);
                }
                w.write(sb.append('\n').toString());
            }
        });
        return 0;
    }
}
