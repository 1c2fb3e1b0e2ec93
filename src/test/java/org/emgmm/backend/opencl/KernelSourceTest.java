package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.emgmm.config.Precision;
import org.junit.jupiter.api.Test;

/**
 * How the host assembles the OpenCL programs from kernels/: every file is part of a program and on the classpath,
 * the tuning cache's kernel hash covers every file of the tuned programs (a changed fragment makes tuned plans
 * stale), and every program compiles at its own defaults (each tunable has an #ifndef default).
 */
class KernelSourceTest {
    /** @return the .cl files of the project's kernels folder (the build copies it to /kernels on the classpath) */
    private static Set<String> kernelFolder() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("kernels"))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".cl"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyKernelFileIsInAProgramAndOnTheClasspath() throws IOException {
        Set<String> used = new TreeSet<>();
        for (KernelSource k : KernelSource.values()) {
            used.addAll(k.files());
            assertEquals(KernelSource.COMMON, k.files().get(0), k + " starts with common.cl");
            assertEquals(k.file, k.files().get(k.files().size() - 1), k + " ends with its kernel file");
            for (String f : k.files()) {
                assertTrue(k.text().contains(KernelSource.read(f)), k + " holds " + f);
            }
        }
        assertEquals(kernelFolder(), used, "kernels/*.cl against the files the programs are built from");
    }

    @Test
    void kernelHashCoversEveryFileOfTheTunedPrograms() {
        String base = TuningCache.kernelHash(KernelSource::read);
        assertEquals(TuningCache.kernelHash(), base);
        Set<String> files = new TreeSet<>();
        TuningCache.TUNED.forEach(k -> files.addAll(k.files()));
        assertTrue(files.containsAll(Set.of("common.cl", "tile.cl", "density.cl", "sums.cl", "estep.cl", "accum.cl",
                "reduce.cl", "fused.cl")), files.toString());
        for (String changed : files) {
            String h = TuningCache.kernelHash(f -> KernelSource.read(f) + (f.equals(changed) ? " " : ""));
            assertNotEquals(base, h, "a change to " + changed + " must change the kernel hash");
        }
    }

    @Test
    void everyProgramCompilesAtItsDefaults() {
        DeviceInfo dev = OpenClTestSupport.device();
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.FLOAT, 0)) {
            for (KernelSource k : KernelSource.values()) {
                for (String cov : new String[] {"", "-D COV=COV_SPHERICAL", "-D COV=COV_FULL", "-D COV=COV_TIED"}) {
                    boolean outer = cov.contains("FULL") || cov.contains("TIED");
                    if (k == KernelSource.FUSED && outer) {
                        // diag and spherical only: fused.cl says so with #error
                        OpenClException e = assertThrows(OpenClException.class,
                                () -> b.context().build(k.file, k.text(), cov));
                        assertTrue(e.getMessage().contains("diag and spherical covariance only"), e.getMessage());
                        continue;
                    }
                    org.jocl.CL.clReleaseProgram(b.context().build(k.file, k.text(), cov));
                }
            }
        }
    }
}
