package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.BackendSettings;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;

/**
 * Model settings apart from execution settings: {@link GmmSettings} holds one {@link ExecutionSettings}, its builder
 * methods of the same names set it, and the CPU kernels are a setting of one backend, not a JVM-wide knob; a backend
 * opens from {@link BackendSettings}, which a fit's settings are and {@link BackendSettings#of} makes without one.
 */
class ExecutionSettingsTest {
    @Test
    void builderConveniencesSetTheExecutionValueAndToBuilderKeepsIt() {
        GmmSettings s = GmmSettings.builder().k(3).backend(BackendKind.CPU).precision(Precision.FLOAT).threads(2)
                .device("gpu0").maxDeviceMemory(1 << 20).openClDiscovery(false).plainJava(true).build();
        ExecutionSettings e = s.execution();
        assertEquals(BackendKind.CPU, e.backend());
        assertEquals(Precision.FLOAT, e.precision());
        assertEquals(2, e.threads());
        assertEquals("gpu0", e.device());
        assertEquals(1 << 20, e.maxDeviceMemory());
        assertFalse(e.openClDiscovery());
        assertTrue(e.plainJava());
        assertEquals(e.threads(), s.threads());
        GmmSettings again = s.toBuilder().k(4).build();
        assertEquals(4, again.k());
        assertTrue(again.execution().plainJava());
        assertEquals("gpu0", again.device());
        GmmSettings replaced = again.toBuilder().execution(ExecutionSettings.DEFAULTS).build();
        assertEquals(BackendKind.AUTO, replaced.backend());
        assertFalse(replaced.execution().plainJava());
        assertEquals(4, replaced.k(), "model settings untouched");
    }

    @Test
    void executionValuesAreValidatedWithTheirNames() {
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> GmmSettings.builder().threads(-1).build());
        assertTrue(t.getMessage().contains("threads must be >= 0"), t.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> ExecutionSettings.builder().maxDeviceMemory(-5).build());
        assertTrue(m.getMessage().contains("maxDeviceMemory must be >= 0, got -5"), m.getMessage());
    }

    @Test
    void plainJavaIsASettingOfOneBackend() {
        ArrayDataset data = ArrayDataset.of(new double[][] {{1, 2}, {3, 4}}, null);
        GmmSettings base = GmmSettings.builder().k(1).backend(BackendKind.CPU).threads(1).build();
        try (Backend plain = Backends.open(base.toBuilder().plainJava(true).build(), data).backend();
             Backend dflt = Backends.open(base, data).backend()) {
            assertTrue(plain.device().contains("plain Java"), plain.device());
            assertEquals(CpuBackend.vectorAvailable(), dflt.device().contains("Vector API"), dflt.device());
        }
    }

    @Test
    void backendsOpenFromBackendSettingsWithoutAFit() {
        ArrayDataset data = ArrayDataset.of(new double[][] {{1, 2}, {3, 4}}, null);
        BackendSettings b = BackendSettings.of(2, CovarianceType.DIAG,
                ExecutionSettings.builder().backend(BackendKind.CPU).threads(1).plainJava(true).build());
        assertEquals(2, b.k());
        assertEquals(BackendKind.CPU, b.backend());
        assertEquals(1, b.threads());
        try (Backend plain = Backends.open(b, data).backend()) {
            assertTrue(plain.device().contains("plain Java"), plain.device());
        }
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> BackendSettings.of(0, CovarianceType.FULL, ExecutionSettings.DEFAULTS));
        assertTrue(k.getMessage().contains("k must be at least 1, got 0"), k.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackendSettings.of(1, CovarianceType.FULL, null));
    }
}
