package org.emgmm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataSources#openNpyUnchecked} (the early warm-up's view of a fit's {@code .npy} input, cli/Preload): the
 * same rows as the checked {@link DataSources#open}, without reading them all, so a value the checked open refuses
 * does not stop it; a bad header still does.
 */
class NpyUncheckedTest {

    @Test
    void readsTheRowsTheCheckedOpenReadsAndLeavesTheCheckToIt(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.npy");
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        NpyFiles.write(good, v, "<f8", false, "4, 2", 1);
        Dataset checked = DataSources.open(good, InputOptions.defaults());
        Dataset unchecked = DataSources.openNpyUnchecked(good);
        assertEquals(checked.getClass(), unchecked.getClass(), "the same Dataset class (the warm-up's profile)");
        assertEquals(4, unchecked.rows());
        assertEquals(2, unchecked.dims());
        double[] a = new double[8];
        double[] b = new double[8];
        checked.read(0, 4, a, 0);
        unchecked.read(0, 4, b, 0);
        assertArrayEquals(a, b);

        Path nan = dir.resolve("nan.npy");
        NpyFiles.write(nan, new double[] {1, 2, 3, Double.NaN}, "<f4", false, "2, 2", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSources.open(nan, InputOptions.defaults()));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        assertEquals(2, DataSources.openNpyUnchecked(nan).rows(), "unchecked: the fit's own open reports it");

        Path fortran = dir.resolve("fortran.npy");
        NpyFiles.write(fortran, v, "<f8", true, "4, 2", 1);
        assertThrows(IllegalArgumentException.class, () -> DataSources.openNpyUnchecked(fortran));
    }
}
