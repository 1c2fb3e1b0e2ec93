package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.junit.jupiter.api.Test;

/** Shape classes: bands, the kernel families, and keys that read back. */
class ShapeClassTest {
    @Test
    void bandsAndFamilies() {
        assertEquals("diag/float/d9-16/k5-16", ShapeClass.of(CovarianceType.DIAG, Precision.FLOAT, 16, 16).key());
        assertEquals("diag/float/d9-16/k5-16", ShapeClass.of(CovarianceType.SPHERICAL, Precision.FLOAT, 9, 5).key());
        assertEquals("full/double/d1-4/k1-4", ShapeClass.of(CovarianceType.TIED, Precision.DOUBLE, 1, 1).key());
        assertEquals("full/float/d65+/k65+", ShapeClass.of(CovarianceType.FULL, Precision.FLOAT, 500, 1000).key());
        ShapeClass c = ShapeClass.of(CovarianceType.FULL, Precision.FLOAT, 33, 17);
        assertEquals(64, c.d());
        assertEquals(64, c.k());
        assertEquals(CovarianceType.FULL, c.covarianceType());
    }

    @Test
    void keysReadBack() {
        for (CovarianceType t : CovarianceType.values()) {
            for (int d : new int[] {1, 5, 12, 20, 64, 65, 300}) {
                for (int k : new int[] {1, 6, 17, 64, 100}) {
                    ShapeClass c = ShapeClass.of(t, Precision.DOUBLE, d, k);
                    assertEquals(c, ShapeClass.parse(c.key()));
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ShapeClass.parse("diag/float/d9-17/k5-16"));
        assertThrows(IllegalArgumentException.class, () -> ShapeClass.parse("tied/float/d9-16/k5-16"));
        assertThrows(IllegalArgumentException.class, () -> ShapeClass.parse("diag/float/d9-16"));
    }
}
