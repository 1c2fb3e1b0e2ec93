package org.emgmm.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.emgmm.backend.Backends;
import org.emgmm.config.BackendKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code emgmm devices}: lists the OpenCL devices {@code --device} can name, through the OpenCL backend's provider
 * ({@link Backends#devices}), so no JOCL class is loaded by any other command.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List the OpenCL devices (the indices --device takes).",
            "Exit status 0 when at least one device is found, 1 when none (or no OpenCL runtime is installed)."},
        footer = {"", "Examples:",
            "  emgmm devices",
            "  emgmm fit --input data.npy --k 8 --backend opencl --device 0",
            "  emgmm fit --input data.npy --k 8 --backend opencl --device 0,1"})
final class DevicesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final String HOW_TO_INSTALL = "Install an OpenCL runtime (ICD): NVIDIA's driver for NVIDIA GPUs, ROCm or "
            + "the AMDGPU-PRO driver for AMD, intel-opencl-icd for Intel GPUs, or PoCL (apt-get install "
            + "pocl-opencl-icd) for any CPU; then check with 'clinfo -l'. The CPU backend needs none of this.";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Backends.isAvailable(BackendKind.OPENCL)) {
            err.println("emgmm devices: the OpenCL backend is not part of this build");
            return Main.EXIT_ERROR;
        }
        List<String> devices;
        try {
            devices = Backends.devices(BackendKind.OPENCL);
        } catch (RuntimeException | LinkageError e) {
            err.println("emgmm devices: no OpenCL runtime could be used: " + Backends.oneLine(e) + ". "
                    + HOW_TO_INSTALL);
            return Main.EXIT_ERROR;
        }
        if (devices.isEmpty()) {
            err.println("emgmm devices: no OpenCL platform or device found. " + HOW_TO_INSTALL);
            return Main.EXIT_ERROR;
        }
        out.println("OpenCL devices (use --backend opencl --device INDEX or part of the name; a list such as 0,1, or"
                + " all, splits a fit's rows across devices):");
        for (String d : devices) {
            out.println("  " + d);
        }
        out.flush();
        return 0;
    }
}
