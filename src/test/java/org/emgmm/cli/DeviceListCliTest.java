package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.emgmm.MixtureModel;
import org.emgmm.backend.opencl.DeviceInfo;
import org.emgmm.backend.opencl.OpenClTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device} in its list form, end to end: {@code --device i,i} (two contexts on the test device) fits the
 * data of {@link Cli#twoClusters} as {@code --device i} does, and a malformed list is a one-line error.
 */
class DeviceListCliTest {

    @Test
    void twoContextsFitAsOne(@TempDir Path dir) throws Exception {
        DeviceInfo dev = OpenClTestSupport.device();
        String i = String.valueOf(dev.index());
        Path data = Cli.csv(dir, "x.csv", Cli.twoClusters(3000, false));
        Path one = dir.resolve("one.json");
        Path two = dir.resolve("two.json");
        for (String[] run : new String[][] {{i, one.toString()}, {i + "," + i, two.toString()}}) {
            Cli.Result r = Cli.run("fit", "--input", data.toString(), "--k", "2", "--backend", "opencl", "--device",
                    run[0], "--tol", "1e-9", "--quiet", "--output", run[1]);
            assertEquals(0, r.code(), r.toString());
        }
        MixtureModel a = MixtureModel.load(one);
        MixtureModel b = MixtureModel.load(two);
        assertEquals(a.nIter(), b.nIter());
        // rows 0..1499 and 1500..2999 on the two contexts: another summation tree, the 1e-12 bound
        assertEquals(a.lowerBound(), b.lowerBound(), 1e-12 * Math.abs(a.lowerBound()));
        double[] ma = a.meansFlat();
        double[] mb = b.meansFlat();
        for (int q = 0; q < ma.length; q++) {
            assertEquals(ma[q], mb[q], 1e-12 * Math.abs(ma[q]) + 1e-12, "mean " + q);
        }
        assertTrue(b.device().contains(" + "), b.device());
    }

    @Test
    void emptyListEntryIsAnError() {
        DeviceInfo dev = OpenClTestSupport.device();
        Cli.Result r = Cli.run("fit", "--backend", "opencl", "--device", dev.index() + ",,");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("empty entry in the device list"), r.toString());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
