package org.emgmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.emgmm.MixtureModel;
import org.emgmm.plot.Charts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emgmm plot}: a picture of a saved model on data. */
@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw a saved model on data as a PNG picture.",
            "1 feature: a histogram with the mixture density and each weighted component; 2 features: a",
            "scatter coloured by component with 1-sigma and 2-sigma ellipses; more: the same on the data's",
            "first two principal components."},
        footer = {"", "Examples:",
            "  emgmm plot --model model.json --input data.csv --output fit.png",
            "  emgmm plot --model model.json --output faithful.png     (the bundled Old Faithful data)"})
final class PlotCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelInput modelInput;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.png", description = "The PNG to write.")
    Path output;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title (default: the input's name).")
    String title;

    @Option(names = "--width", paramLabel = "PX", defaultValue = "900", description = "Width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", paramLabel = "PX", defaultValue = "650", description = "Height (default: ${DEFAULT-VALUE}).")
    int height;

    @Override
    public Integer call() throws Exception {
        if (width < 100 || height < 100 || width > 10000 || height > 10000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--width and --height must be between "
                    + "100 and 10000 pixels, got " + width + " x " + height);
        }
        Outputs.checkWritable(output, "--output");
        ModelInput.Loaded loaded = modelInput.load();
        MixtureModel m = loaded.model();
        LoadedData in = loaded.data();
        Charts.writePng(Charts.model(m, in.data(), title != null ? title : in.name(),
                in.featureNames()), output, width, height);
        spec.commandLine().getOut().println("picture " + output);
        return 0;
    }
}
