import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the float vector kernels from the double ones (run by the Maven build at generate-sources, see the
 * README's "Developer notes"): the double source is the one source of each algorithm, and its float twin is this
 * program's output under target/generated-sources/float, never edited by hand.
 *
 * <p>Usage: {@code java src/build/GenerateFloatKernels.java SRC_DIR OUT_DIR Name...} (Name a class of
 * org.emgmm.backend.cpu; the output class is Name with {@code Double} replaced by {@code Float}, or Name + F).
 *
 * <p>Line by line, in this order:
 * <ol>
 *   <li>a line ending in {@code //#double-only} is dropped;</li>
 *   <li>a line whose code is {@code //#float-only CODE} becomes CODE (a comment in the double source);</li>
 *   <li>a line ending in {@code //#keep} is copied unchanged (for instance a sum that stays in double);</li>
 *   <li>every other line gets the word replacements of {@link #WORDS} (types, Vector API shapes, the pass's
 *       float copies), the class names of the generated set, and an {@code f} after every decimal literal with a
 *       point or exponent (so {@code 0.5} becomes {@code 0.5f}).</li>
 * </ol>
 */
public final class GenerateFloatKernels {
    /** Whole-word replacements, double → float. */
    private static final Map<String, String> WORDS = new LinkedHashMap<>();

    static {
        WORDS.put("DoubleVector", "FloatVector");
        WORDS.put("LongVector", "IntVector");
        WORDS.put("Double", "Float");
        WORDS.put("Long", "Integer");
        WORDS.put("double", "float");
        WORDS.put("reinterpretAsLongs", "reinterpretAsInts");
        WORDS.put("reinterpretAsDoubles", "reinterpretAsFloats");
        WORDS.put("EXP_UNDERFLOW_D", "EXP_UNDERFLOW_F");
        // the pass's constants: the float copies (Params, VectorParams)
        WORDS.put("p.means", "p.meansF");
        WORDS.put("p.logConst", "p.logConstF");
        WORDS.put("p.prec", "p.precF");
        WORDS.put("vp.ref", "vp.refF");
        WORDS.put("vp.refY", "vp.refYF");
        WORDS.put("vp.uPacked", "vp.uPackedF");
        WORDS.put("vp.diagPacked", "vp.diagPackedF");
        WORDS.put("vp.negligible", "vp.negligibleF");
    }

    private static final Pattern DECIMAL = Pattern.compile(
            "(?<![\\w.])(\\d+\\.\\d+(?:[eE][-+]?\\d+)?|\\d+[eE][-+]?\\d+)(?![\\w.])");

    private GenerateFloatKernels() {
    }

    public static void main(String[] args) throws IOException {
        Path src = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            names.put(args[i], floatName(args[i]));
        }
        Files.createDirectories(out);
        for (Map.Entry<String, String> e : names.entrySet()) {
            List<String> lines = Files.readAllLines(src.resolve(e.getKey() + ".java"), StandardCharsets.UTF_8);
            List<String> res = new ArrayList<>();
            for (String line : lines) {
                String t = line.strip();
                if (t.endsWith("//#double-only")) {
                    continue;
                }
                if (t.startsWith("//#float-only ")) {
                    String indent = line.substring(0, line.indexOf("//#float-only "));
                    res.add(indent + t.substring("//#float-only ".length()));
                    continue;
                }
                if (t.endsWith("//#keep")) {
                    res.add(line);
                    continue;
                }
                res.add(translate(line, names));
            }
            int pkg = res.indexOf(res.stream().filter(l -> l.startsWith("package ")).findFirst().orElseThrow());
            res.add(pkg + 1, "");
            res.add(pkg + 2, "// GENERATED from " + e.getKey() + ".java by src/build/GenerateFloatKernels.java at build"
                    + " time: edit the double source, not this file.");
            Path target = out.resolve(e.getValue() + ".java");
            String text = String.join("\n", res) + "\n";
            if (!Files.exists(target) || !Files.readString(target, StandardCharsets.UTF_8).equals(text)) {
                Files.writeString(target, text, StandardCharsets.UTF_8); // unchanged: left alone (no recompile)
            }
        }
    }

    private static String floatName(String name) {
        return name.contains("Double") ? name.replace("Double", "Float") : name + "F";
    }

    private static String translate(String line, Map<String, String> names) {
        String s = line;
        for (Map.Entry<String, String> w : names.entrySet()) {
            s = s.replaceAll("\\b" + w.getKey() + "\\b", w.getValue());
        }
        for (Map.Entry<String, String> w : WORDS.entrySet()) {
            s = s.replaceAll("\\b" + Pattern.quote(w.getKey()) + "\\b", Matcher.quoteReplacement(w.getValue()));
        }
        return DECIMAL.matcher(s).replaceAll("$1f");
    }
}
