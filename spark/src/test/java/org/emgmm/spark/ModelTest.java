package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emgmm.MixtureModel;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model: transform, criteria, persistence, a Pipeline with a VectorAssembler. */
class ModelTest {
    static final double TOL = 1e-12;

    @TempDir
    Path dir;

    private static GaussianMixtureModel fitDiag(Dataset<Row> df) {
        return new GaussianMixture().setK(3).setCovarianceType("diag").setSeed(3).setBackend("cpu").fit(df);
    }

    @Test
    void transformMatchesCoreModel() {
        ArrayDataset data = SyntheticMixture.generate(1000, 2, 3, 4, false);
        Dataset<Row> df = TestData.frame(data.doubleArray(), 2, null, 3);
        GaussianMixtureModel m = fitDiag(df);
        MixtureModel core = m.mixtureModel();
        List<Row> out = m.transform(df).collectAsList();
        int[] pred = core.predict(data);
        double[][] proba = core.predictProba(data);
        assertEquals(1000, out.size());
        for (int i = 0; i < out.size(); i++) {
            Row r = out.get(i);
            assertEquals(pred[i], r.getInt(r.fieldIndex("prediction")), "row " + i);
            assertArrayEquals(proba[i], ((Vector) r.get(r.fieldIndex("probability"))).toArray(), TOL, "row " + i);
        }
        // The criteria, one distributed pass, against the core's single-machine scoring.
        double n = data.rows();
        assertEquals(core.score(data) * n, m.logLikelihood(df), 1e-9 * n);
        assertEquals(core.bic(data), m.bic(df), 1e-9 * n);
        assertEquals(core.aic(data), m.aic(df), 1e-9 * n);
        assertEquals(3, m.weights().length);
        assertArrayEquals(core.means()[1], m.means()[1], 0);
        assertArrayEquals(core.covarianceMatrix(2)[1], m.covariances()[2][1], 0);
        assertEquals("diag", m.getCovarianceType());
    }

    @Test
    void persistenceRoundTripKeepsTheModelFile() throws Exception {
        ArrayDataset data = SyntheticMixture.generate(800, 3, 2, 8, false);
        Dataset<Row> df = TestData.frame(data.doubleArray(), 3, null, 2);
        GaussianMixtureModel m = new GaussianMixture().setK(2).setCovarianceType("tied").setSeed(1)
                .setBackend("cpu").setPredictionCol("cluster").fit(df);
        String path = dir.resolve("model").toString();
        m.write().overwrite().save(path);
        GaussianMixtureModel back = GaussianMixtureModel.load(path);
        assertEquals(m.uid(), back.uid());
        assertEquals(m.toJson(), back.toJson());
        assertEquals("cluster", back.getPredictionCol());
        assertEquals("tied", back.getCovarianceType());
        // The file inside is the CLI's model file, readable by the core library.
        MixtureModel file = MixtureModel.load(Path.of(path, "data", "model.json"));
        assertEquals(m.toJson(), file.toJson());
        // The model file alone, both ways.
        String single = dir.resolve("alone.json").toString();
        m.saveModelFile(single);
        assertEquals(m.toJson(), MixtureModel.load(Path.of(single)).toJson());
        assertEquals(m.toJson(), GaussianMixtureModel.fromModelFile(single).toJson());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        // The estimator's params too.
        GaussianMixture est = new GaussianMixture().setK(5).setCovarianceType("spherical").setTol(1e-4)
                .setWeightCol("w").setInitialModelPath(single);
        String epath = dir.resolve("est").toString();
        est.write().overwrite().save(epath);
        GaussianMixture eback = GaussianMixture.load(epath);
        assertEquals(5, eback.getK());
        assertEquals("spherical", eback.getCovarianceType());
        assertEquals(1e-4, eback.getTol());
        assertEquals("w", eback.getWeightCol());
        assertEquals(single, eback.getInitialModelPath());
    }

    @Test
    void warmStartFromModelFileContinues() throws Exception {
        ArrayDataset data = SyntheticMixture.generate(1500, 2, 3, 12, false);
        Dataset<Row> df = TestData.frame(data.doubleArray(), 2, null, 2);
        GaussianMixtureModel first = new GaussianMixture().setK(3).setSeed(2).setMaxIter(3).setBackend("cpu")
                .fit(df);
        String file = dir.resolve("start.json").toString();
        first.saveModelFile(file);
        GaussianMixtureModel fromFile = new GaussianMixture().setInitialModelPath(file).setMaxIter(2)
                .setBackend("cpu").fit(df);
        GaussianMixtureModel fromModel = new GaussianMixture().setInitialModel(first).setMaxIter(2)
                .setBackend("cpu").fit(df);
        assertEquals(fromModel.toJson(), fromFile.toJson());
        assertEquals(3, fromFile.getK());
        // Its first lower bound is the score of the start: it continues where the first fit stopped.
        assertEquals(first.mixtureModel().score(data), fromFile.mixtureModel().lowerBoundHistory()[0], 1e-12);
    }

    @Test
    void pipelineWithVectorAssembler() throws Exception {
        ArrayDataset data = SyntheticMixture.generate(900, 3, 2, 21, false);
        double[] x = data.doubleArray();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            rows.add(RowFactory.create(x[i * 3], x[i * 3 + 1], x[i * 3 + 2], "r" + i));
        }
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("id", DataTypes.StringType);
        Dataset<Row> df = TestData.frame(rows, schema, 3);
        VectorAssembler va = new VectorAssembler().setInputCols(new String[] {"a", "b", "c"}).setOutputCol("xyz");
        GaussianMixture gm = new GaussianMixture().setK(2).setFeaturesCol("xyz").setSeed(5).setBackend("cpu");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {va, gm});
        PipelineModel pm = pipeline.fit(df);
        GaussianMixtureModel m = (GaussianMixtureModel) pm.stages()[1];
        MixtureModel ref = new org.emgmm.GaussianMixture(org.emgmm.GmmSettings.builder().k(2).seed(5)
                .covarianceType(CovarianceType.FULL).backend(org.emgmm.config.BackendKind.CPU).build()).fit(data);
        EqualityTest.assertSameFit(ref, m.mixtureModel(), EqualityTest.PARAM_TOL, EqualityTest.BOUND_TOL);
        List<Row> out = pm.transform(df).select("id", "prediction").collectAsList();
        int[] pred = ref.predict(data);
        for (int i = 0; i < 900; i++) {
            assertEquals("r" + i, out.get(i).getString(0));
            assertEquals(pred[i], out.get(i).getInt(1));
        }
        String path = dir.resolve("pipeline").toString();
        pm.write().overwrite().save(path);
        PipelineModel back = PipelineModel.load(path);
        assertEquals(m.toJson(), ((GaussianMixtureModel) back.stages()[1]).toJson());
        List<Row> again = back.transform(df).select("prediction").collectAsList();
        for (int i = 0; i < 900; i++) {
            assertEquals(pred[i], again.get(i).getInt(0));
        }
    }
}
