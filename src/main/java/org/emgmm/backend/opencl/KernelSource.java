package org.emgmm.backend.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The OpenCL programs and the files each is built from. OpenCL C has no modules, so the host concatenates a
 * program's source: {@code kernels/common.cl} (types and shape defaults), then the fragments whose functions the
 * kernel file calls (no kernels of their own), then the kernel file. One algorithm, one source: the E step's
 * log-densities and normalising ({@code density.cl}) serve estep and fused, the weighted sums' register tiles
 * ({@code sums.cl}) serve accum and fused, the row tile and parameter layout ({@code tile.cl}) all three. Files are
 * read from the classpath ({@code /kernels/NAME.cl}, packaged from the top-level {@code kernels} folder).
 */
enum KernelSource {
    /** The E step: log-densities, responsibilities, log-likelihood partials. */
    ESTEP("estep.cl", "tile.cl", "density.cl"),
    /** The weighted sums from estep's responsibilities. */
    ACCUM("accum.cl", "tile.cl", "sums.cl"),
    /** The fixed-order sum of partial rows. */
    REDUCE("reduce.cl"),
    /** The E step and the weighted sums in one kernel (diag/spherical; KernelPlan#fused). */
    FUSED("fused.cl", "tile.cl", "density.cl", "sums.cl"),
    /** The scoring pass (OpenClScorer). */
    SCORE("score.cl");

    /** Prepended to every program. */
    static final String COMMON = "common.cl";
    /** Where the files are on the classpath. */
    static final String FOLDER = "/kernels/";

    /** The kernel file, whose name is the program's in messages and build-log keys. */
    final String file;
    private final List<String> files;

    KernelSource(String file, String... fragments) {
        this.file = file;
        List<String> all = new ArrayList<>();
        all.add(COMMON);
        Collections.addAll(all, fragments);
        all.add(file);
        this.files = List.copyOf(all);
    }

    /** @return the files of this program in the order they are concatenated: common.cl, fragments, kernel file */
    List<String> files() {
        return files;
    }

    /**
     * @return the program's source as this build holds it
     * @throws OpenClException naming a file that is missing from the classpath or unreadable
     */
    String text() {
        return text(KernelSource::read);
    }

    /**
     * @param reader a file's text by its name (tests substitute a changed file)
     * @return the concatenated files, each followed by a newline
     */
    String text(Function<String, String> reader) {
        StringBuilder sb = new StringBuilder();
        for (String f : files) {
            sb.append(reader.apply(f)).append('\n');
        }
        return sb.toString();
    }

    /**
     * @param name a file of {@link #FOLDER}
     * @return its text
     * @throws OpenClException when it is missing from the classpath or unreadable
     */
    static String read(String name) {
        String path = FOLDER + name;
        try (InputStream in = KernelSource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new OpenClException("kernel source " + path + " is missing from the classpath", 0);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OpenClException("cannot read kernel source " + path + ": " + e.getMessage(), e);
        }
    }
}
