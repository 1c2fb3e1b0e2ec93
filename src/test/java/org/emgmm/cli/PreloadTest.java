package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.emgmm.MixtureModel;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The early guess at a fit's kernel ({@link Preload.FitGuess}), read from the command line before picocli reads it:
 * the options that choose the kernel in both spellings, the start model's k and type from its first fields, and no
 * guess wherever the command line is not the plain case (so that the fit starts its warm-up itself, as without it).
 */
class PreloadTest {

    private static Preload.FitGuess guess(String line) {
        return Preload.FitGuess.of(line.split(" "));
    }

    @Test
    void readsTheOptionsThatChooseTheKernel() {
        Preload.FitGuess g = guess("fit --input data/x.npy --k 16 --covariance diag --precision float --quiet "
                + "--output m.json --max-iter 20");
        assertEquals(Path.of("data/x.npy"), g.input);
        assertEquals(16, g.k);
        assertEquals(CovarianceType.DIAG, g.type);
        assertEquals(Precision.FLOAT, g.precision);
        assertNull(g.initModel);

        g = guess("fit -i=x.NPY -k 3"); // = only with long names: "-i=x.NPY" is not read
        assertNull(g);
        g = guess("fit --input=x.NPY -k 3 --backend=cpu");
        assertEquals(Path.of("x.NPY"), g.input);
        assertEquals(3, g.k);
        assertNull(g.type, "the fit's default (full) applies");
        assertEquals(Precision.DOUBLE, g.precision);

        g = guess("fit --init-model start.json -i x.npy --tol 0");
        assertEquals(Path.of("start.json"), g.initModel);
        assertNull(g.k);
    }

    @Test
    void noGuessOutsideThePlainCase() {
        assertNull(guess("fit --input x.csv --k 3"), "CSV: read in full before the shape is known");
        assertNull(guess("fit --input x.f32 --dims 4 --k 3"));
        assertNull(guess("fit --input x.npy --k 3 --columns 0,1"));
        assertNull(guess("fit --input x.npy --k 3 --weights-column 2"));
        assertNull(guess("fit --input x.npy --k 3 --resume c.json"));
        assertNull(guess("fit --input x.npy --k 3 --backend opencl"));
        assertNull(guess("fit --input x.npy --k 3 --help"));
        assertNull(guess("fit --input x.npy"), "no k and no start model");
        assertNull(guess("fit --input x.npy --k 0"));
        assertNull(guess("fit --input x.npy --k three"));
        assertNull(guess("fit --input x.npy --k 3 --covariance round"));
        assertNull(guess("fit --input x.npy --k 3 --k 4"), "given twice: picocli decides");
        assertNull(guess("fit --input x.npy --k"), "a value missing");
        assertNull(guess("fit --k 3"), "the bundled data: too small to warm up");
    }

    @Test
    void knowsWhenTheCommandWritesAFile() {
        org.junit.jupiter.api.Assertions.assertTrue(Preload.writesFile("fit --input x.npy --k 2 -o m.json".split(" ")));
        org.junit.jupiter.api.Assertions.assertTrue(Preload.writesFile("fit --k 2 --output=m.json".split(" ")));
        org.junit.jupiter.api.Assertions.assertTrue(Preload.writesFile("fit --k 2 --checkpoint c.json".split(" ")));
        org.junit.jupiter.api.Assertions.assertTrue(Preload.writesFile("fit --plot p.png".split(" ")));
        org.junit.jupiter.api.Assertions.assertFalse(Preload.writesFile("fit --input x.npy --k 2 --quiet".split(" ")));
    }

    @Test
    void theStartModelsKindComesFromItsFirstFields(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("start.json");
        MixtureModel.of(CovarianceType.TIED, new double[] {0.5, 0.5}, new double[] {0, 0, 1, 1},
                new double[] {1, 0, 0, 1}).save(m);
        assertEquals(new Preload.FitGuess.Kind(2, CovarianceType.TIED), Preload.FitGuess.kindOf(m));

        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"weights\": [1], \"covariance_type\": \"diag\", \"n_components\": 1}");
        assertNull(Preload.FitGuess.kindOf(other), "not a file emgmm wrote: the fit reads it itself");
    }
}
