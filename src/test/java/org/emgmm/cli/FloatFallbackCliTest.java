package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.emgmm.MixtureModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 on the command line: a fit float cannot represent (feature 0 is 1 + 1e-9·noise, constant in float;
 * reg_covar 0) fails under {@code --backend cpu --precision float} with a message that suggests
 * {@code --precision double}, and under {@code --backend auto} is refitted in double, with a note and the event
 * in the summary and the saved model.
 */
class FloatFallbackCliTest {
    @TempDir
    Path dir;

    private Path data() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 300; i++) {
            sb.append(String.format(Locale.ROOT, "%.17g,%.17g%n", 1 + 1e-9 * (r.nextDouble() - 0.5),
                    r.nextDouble() * 2 - 1));
        }
        return Cli.csv(dir, "tiny.csv", sb.toString());
    }

    @Test
    void explicitFloatSuggestsDouble() throws Exception {
        Cli.Result r = Cli.run("fit", "--input", data().toString(), "--k", "1", "--covariance", "diag",
                "--reg-covar", "0", "--backend", "cpu", "--precision", "float");
        assertTrue(r.code() != 0, r.toString());
        assertTrue(r.err().contains("--precision double"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void autoRefitsInDouble() throws Exception {
        Path model = dir.resolve("m.json");
        Cli.Result r = Cli.run("fit", "--input", data().toString(), "--k", "1", "--covariance", "full",
                "--reg-covar", "0", "--backend", "auto", "--precision", "float", "--output", model.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue((r.out() + r.err()).contains("refitted in double precision"), r.toString());
        MixtureModel m = MixtureModel.load(model);
        assertTrue(m.events().stream().anyMatch(e -> e.contains("refitted in double precision")), m.events()
                .toString());
    }
}
