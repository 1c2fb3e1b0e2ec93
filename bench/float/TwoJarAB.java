import java.net.*;
import java.nio.file.*;
import java.util.*;
import java.util.function.IntFunction;
/**
 * Before/after in one JVM: each jar in its own class loader (so two builds of the same classes run side by side),
 * the E step's CPU time (1 thread) of float and double per jar, all four alternating round by round; prints per jar
 * the medians, minima, double/float and the last lower bounds (for bit-identity). On a loaded machine the medians
 * still move by about 3% from run to run: repeat.
 *
 * <pre>
 *   mkdir -p target/twojar
 *   javac -d target/twojar -cp target/emgmm.jar bench/float/TwoJarRunner.java
 *   javac -d target/twojar bench/float/TwoJarAB.java
 *   java --add-modules jdk.incubator.vector -cp target/twojar TwoJarAB full 100000 10 24 old.jar target/emgmm.jar
 * </pre>
 * Arguments: covariance, N, warm-up rounds, timed rounds, jars.
 */
public class TwoJarAB {
    @SuppressWarnings("unchecked")
    public static void main(String[] a) throws Exception {
        String cov = a[0]; int n = Integer.parseInt(a[1]); int warm = Integer.parseInt(a[2]); int rounds = Integer.parseInt(a[3]);
        int J = a.length - 4;
        IntFunction<double[]>[] r = new IntFunction[J];
        for (int j = 0; j < J; j++) {
            URLClassLoader cl = new URLClassLoader(new URL[] {Path.of(a[4 + j]).toUri().toURL(), Path.of(System.getProperty("runner.dir", "target/twojar")).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            r[j] = (IntFunction<double[]>) cl.loadClass("TwoJarRunner").getConstructor(String.class, int.class).newInstance(cov, n);
        }
        double[][] ll = new double[J][2];
        for (int w = 0; w < warm; w++) for (int j = 0; j < J; j++) for (int q = 0; q < 2; q++) ll[j][q] = r[j].apply(q)[1];
        double[][][] t = new double[J][2][rounds];
        for (int i = 0; i < rounds; i++) for (int h = 0; h < J * 2; h++) {
            int j = (h + i) % J; int q = ((h / J) + i) % 2;
            double[] res = r[j].apply(q); t[j][q][i] = res[0] / 1e6; ll[j][q] = res[1];
        }
        for (int j = 0; j < J; j++) {
            double f = med(t[j][0]), d = med(t[j][1]);
            System.out.printf("%-40s float %.2f ms (min %.2f)  double %.2f ms (min %.2f)  d/f %.3f  ll f %s d %s%n", a[4 + j], f, min(t[j][0]), d, min(t[j][1]), d / f, ll[j][0], ll[j][1]);
        }
    }
    static double med(double[] v) { double[] s = v.clone(); Arrays.sort(s); return s[s.length / 2]; }
    static double min(double[] v) { return Arrays.stream(v).min().getAsDouble(); }
}
