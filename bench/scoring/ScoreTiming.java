import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.ModelScorer;
import org.emgmm.StartParameters;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.Precision;
import org.emgmm.data.DataSources;
import org.emgmm.data.Dataset;
import org.emgmm.data.InputOptions;

/**
 * One EM iteration against one scoring pass, alternating in one JVM on the same backend, data and parameters:
 * prints each repetition's EM iteration (the fit's own ms/iteration, from the model as start, 1 iteration), the
 * scoring pass that gives score/BIC/AIC (totals only) and the predict pass (labels), then the medians and ratios.
 *
 * usage: java --add-modules jdk.incubator.vector -cp target/emgmm.jar bench/scoring/ScoreTiming.java
 *            DATA.f32 DIMS MODEL.json float|double REPS
 */
public class ScoreTiming {
    public static void main(String[] a) throws Exception {
        Dataset data = DataSources.open(Path.of(a[0]), new InputOptions(null, null, null, null, null,
                Integer.parseInt(a[1])));
        MixtureModel m = MixtureModel.load(Path.of(a[2]));
        Precision p = Precision.parse(a[3]);
        int reps = Integer.parseInt(a[4]);
        double[] em = new double[reps];
        double[] sc = new double[reps];
        double[] pr = new double[reps];
        GmmSettings s = GmmSettings.builder().k(m.nComponents()).covarianceType(m.covarianceType()).tol(0)
                .maxIter(1).precision(p).start(StartParameters.of(m)).build();
        try (CpuBackend cpu = new CpuBackend(0, p)) {
            ModelScorer scorer = new ModelScorer(m, cpu);
            for (int r = 0; r < reps; r++) {
                long[] it = new long[1];
                new GaussianMixture(s).fit(data, cpu, new FitListener() {
                    @Override
                    public void iteration(int init, int iteration, double lb, double change, long nanos) {
                        it[0] = nanos;
                    }
                });
                em[r] = it[0] / 1e6;
                long t0 = System.nanoTime();
                ModelScorer.Evaluation ev = scorer.evaluate(data);
                sc[r] = (System.nanoTime() - t0) / 1e6;
                long[] sum = new long[1];
                t0 = System.nanoTime();
                scorer.stream(data, EnumSet.of(RowOutput.LABEL), ScoreSink.inOrder(b -> sum[0] += b.labels()[0]));
                pr[r] = (System.nanoTime() - t0) / 1e6;
                System.out.printf("rep %d: EM iteration %.0f ms, score pass %.0f ms (BIC %.6f), predict pass %.0f ms%n",
                        r, em[r], sc[r], ev.bic(), pr[r]);
            }
        }
        double e = median(em);
        System.out.printf("median: EM iteration %.0f ms, score pass %.0f ms (%.2fx), predict pass %.0f ms (%.2fx); "
                + "%s, N=%d D=%d K=%d %s %s%n", e, median(sc), median(sc) / e, median(pr), median(pr) / e,
                a[0], data.rows(), data.dims(), m.nComponents(), m.covarianceType().jsonName(), a[3]);
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
