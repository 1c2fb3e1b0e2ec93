package org.emgmm.backend.opencl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether {@code --backend auto} should look for an OpenCL GPU at all. On Linux every GPU driver with OpenCL talks to
 * its GPU through a device node: {@code /dev/nvidia*} (NVIDIA), {@code /dev/kfd} and {@code /dev/dri/renderD*} (AMD
 * ROCm), {@code /dev/dri/*} (Intel, Mesa), {@code /dev/dxg} (WSL 2), {@code /dev/mali*}, {@code /dev/kgsl*},
 * {@code /dev/galcore} (ARM, Qualcomm and Vivante boards), {@code /dev/accel/*}. Where there is none, auto would find
 * no GPU after loading every installed OpenCL runtime (PoCL with its LLVM: ~0.25 CPU-s, 0.12 s of a 2-core machine's
 * wall time, on every run of a CPU-only machine) and it skips the search. An explicit {@code --backend opencl}, a
 * named {@code --device} and {@code emgmm devices} always search; {@code -Demgmm.opencl.gpuCheck=false} turns the check
 * off (for a GPU reached without a local device node, such as PoCL's remote driver). Other systems are not checked.
 */
final class GpuNodes {
    /** The system property that turns the check off when "false". */
    static final String PROPERTY = "emgmm.opencl.gpuCheck";

    private GpuNodes() {
    }

    /** @return false only where auto can rule out a GPU without loading OpenCL (Linux, no GPU device node) */
    static boolean mayHaveGpu() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return true;
        }
        return anyGpuNode(Path.of("/dev"));
    }

    /**
     * @param dev a device directory ({@code /dev}, or a test's stand-in)
     * @return whether it holds a GPU's device node; true when it cannot be read (then auto searches as before)
     */
    static boolean anyGpuNode(Path dev) {
        if (!Files.isDirectory(dev)) {
            return true;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dev)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (name.startsWith("nvidia") || name.equals("kfd") || name.equals("dxg") || name.startsWith("mali")
                        || name.startsWith("kgsl") || name.equals("galcore")) {
                    return true;
                }
                if ((name.equals("dri") || name.equals("accel")) && nonEmpty(e)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | SecurityException e) {
            return true;
        }
    }

    private static boolean nonEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return entries.iterator().hasNext();
        }
    }
}
