package org.emgmm.spark;

import java.io.IOException;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.emgmm.MixtureModel;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import scala.Option;

/**
 * A fitted Gaussian mixture as a Spark ML {@link Model}: {@link #transform} adds the most probable component
 * ({@code predictionCol}, an integer) and the K component probabilities ({@code probabilityCol}, an ML vector),
 * computed per partition in blocks with the core's scoring. It wraps the core's {@link MixtureModel}; ML persistence
 * ({@link #write()}, {@link #load}) stores Spark's param metadata beside the very model file {@code emgmm} and
 * scikit-learn users read ({@code data/model.json}), and {@link #saveModelFile}/{@link #fromModelFile} read and
 * write that file alone.
 */
public final class GaussianMixtureModel extends Model<GaussianMixtureModel>
        implements GaussianMixtureParams, MLWritable {
    private static final long serialVersionUID = 1L;
    /** The model file inside a saved model's directory. */
    static final String MODEL_FILE = "data/model.json";

    private final String uid;
    private final ParamSet paramSet;
    private final transient MixtureModel model;
    private final String json;

    /**
     * @param uid unique id
     * @param model the core model
     */
    public GaussianMixtureModel(String uid, MixtureModel model) {
        this.uid = uid;
        this.paramSet = new ParamSet(uid);
        paramSet.setDefaults(this);
        this.model = model;
        this.json = model.toJson();
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ParamSet paramSet() {
        return paramSet;
    }

    /** @return the core model (for the Java library's scoring, sampling, saving) */
    public MixtureModel mixtureModel() {
        return model != null ? model : MixtureModel.fromJson(json);
    }

    /** @param v features column @return this */
    public GaussianMixtureModel setFeaturesCol(String v) {
        set(featuresCol(), v);
        return this;
    }

    /** @param v sample weight column for {@link #logLikelihood} and the criteria @return this */
    public GaussianMixtureModel setWeightCol(String v) {
        set(weightCol(), v);
        return this;
    }

    /** @param v prediction output column @return this */
    public GaussianMixtureModel setPredictionCol(String v) {
        set(predictionCol(), v);
        return this;
    }

    /** @param v probability output column @return this */
    public GaussianMixtureModel setProbabilityCol(String v) {
        set(probabilityCol(), v);
        return this;
    }

    /** @param v backend of {@link #logLikelihood}: auto, cpu or opencl @return this */
    public GaussianMixtureModel setBackend(String v) {
        set(backend(), v);
        return this;
    }

    /** @return number of components */
    public int numComponents() {
        return mixtureModel().nComponents();
    }

    /** @return mixing weights, K */
    public double[] weights() {
        return mixtureModel().weights();
    }

    /** @return means, K rows of D */
    public double[][] means() {
        return mixtureModel().means();
    }

    /** @return each component's full D×D covariance matrix (expanded from diag, spherical or tied) */
    public double[][][] covariances() {
        MixtureModel m = mixtureModel();
        double[][][] out = new double[m.nComponents()][][];
        for (int j = 0; j < out.length; j++) {
            out[j] = m.covarianceMatrix(j);
        }
        return out;
    }

    /** @return the final lower bound of the fit (mean log-likelihood per unit weight) */
    public double lowerBound() {
        return mixtureModel().lowerBound();
    }

    /** @return EM iterations of the fit */
    public int nIter() {
        return mixtureModel().nIter();
    }

    /** @return whether the fit converged */
    public boolean converged() {
        return mixtureModel().converged();
    }

    /** @return the model-file JSON (the format {@code emgmm} and its scikit-learn bridge read) */
    public String toJson() {
        return json;
    }

    /**
     * Σ ωᵢ log p(xᵢ) over a dataset: one distributed pass of the same backends as the fit.
     *
     * @param dataset data with the features (and, when set, weight) columns
     * @return the total weighted log-likelihood
     */
    public double logLikelihood(Dataset<?> dataset) {
        return evaluate(dataset).logLik;
    }

    /**
     * Bayesian information criterion, as scikit-learn: −2 log L + p log n, n the total weight.
     *
     * @param dataset data
     * @return the BIC (lower is better)
     */
    public double bic(Dataset<?> dataset) {
        SufficientStatistics st = evaluate(dataset);
        return -2 * st.logLik + mixtureModel().nParameters() * Math.log(st.weightSum);
    }

    /**
     * Akaike information criterion: −2 log L + 2p.
     *
     * @param dataset data
     * @return the AIC (lower is better)
     */
    public double aic(Dataset<?> dataset) {
        return -2 * evaluate(dataset).logLik + 2 * mixtureModel().nParameters();
    }

    SufficientStatistics evaluate(Dataset<?> dataset) {
        Schemas.checkInputs(dataset.schema(), getFeaturesCol(), getWeightCol());
        MixtureModel m = mixtureModel();
        Precision precision = Precision.parse(getPrecision());
        try (PackedData data = PackedData.pack(dataset, getFeaturesCol(), getWeightCol(),
                precision == Precision.FLOAT, 0)) {
            if (data.dims != m.nFeatures()) {
                throw new IllegalArgumentException("column '" + getFeaturesCol() + "' has " + data.dims
                        + " features but the model has " + m.nFeatures());
            }
            Gaussians g = gaussians(m);
            try (SparkPass pass = new SparkPass(data, m.nComponents(), m.covarianceType(),
                    BackendKind.parse(getBackend()), precision, SparkPass.FAN_IN)) {
                return pass.accumulate(g);
            }
        }
    }

    /** The model's parameters with their per-component constants (the same bits {@link Gaussians#of} gives). */
    static Gaussians gaussians(MixtureModel m) {
        return Gaussians.of(m.covarianceType(), m.weights(), m.meansFlat(), m.covariancesFlat(), 0);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        String text = json;
        String[] names = dataset.schema().fieldNames();
        int featureIndex = java.util.Arrays.asList(names).indexOf(getFeaturesCol());
        String featuresName = getFeaturesCol();
        return dataset.toDF().mapPartitions(new Scorer(text, featureIndex, featuresName), Encoders.row(out));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.checkInputs(schema, getFeaturesCol(), null);
        return Schemas.withOutputs(schema, getPredictionCol(), getProbabilityCol());
    }

    @Override
    public GaussianMixtureModel copy(ParamMap extra) {
        GaussianMixtureModel c = new GaussianMixtureModel(uid, mixtureModel());
        copyValues(c, extra);
        return c.setParent(parent());
    }

    /**
     * Writes the model file alone (the JSON {@code emgmm fit --output} writes), on any Hadoop file system.
     *
     * @param path destination
     * @throws IOException when it cannot be written
     */
    public void saveModelFile(String path) throws IOException {
        HadoopFiles.write(org.apache.spark.sql.SparkSession.active(), path, json);
    }

    /**
     * Reads an emgmm model file (written by {@code emgmm fit --output}, the Java library or scikit-learn's bridge).
     *
     * @param path the file, on any Hadoop file system
     * @return the model, with default params
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the file and field when it is not a model file
     */
    public static GaussianMixtureModel fromModelFile(String path) throws IOException {
        String text = HadoopFiles.read(org.apache.spark.sql.SparkSession.active(), path);
        try {
            return new GaussianMixtureModel(org.apache.spark.ml.util.Identifiable$.MODULE$
                    .randomUID("emgmm_GaussianMixtureModel"), MixtureModel.fromJson(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** @return a reader for saved models (Spark ML persistence) */
    public static MLReader<GaussianMixtureModel> read() {
        return new Reader();
    }

    /**
     * @param path where {@link #save} wrote the model
     * @return the model
     */
    public static GaussianMixtureModel load(String path) {
        return read().load(path);
    }

    /** Param metadata as Spark writes it, and the model file at {@value #MODEL_FILE}. */
    private static final class Writer extends MLWriter {
        private final GaussianMixtureModel instance;

        Writer(GaussianMixtureModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            try {
                HadoopFiles.write(sparkSession(), new org.apache.hadoop.fs.Path(path, MODEL_FILE).toString(),
                        instance.json);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the model file in " + path, e);
            }
        }
    }

    /** Reads what {@link Writer} wrote. */
    private static final class Reader extends MLReader<GaussianMixtureModel> {
        @Override
        public GaussianMixtureModel load(String path) {
            DefaultParamsReader.Metadata meta = org.apache.spark.ml.util.DefaultParamsReader$.MODULE$.loadMetadata(
                    path, sparkSession(), GaussianMixtureModel.class.getName());
            String file = new org.apache.hadoop.fs.Path(path, MODEL_FILE).toString();
            String text;
            try {
                text = HadoopFiles.read(sparkSession(), file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the model file " + file, e);
            }
            MixtureModel m;
            try {
                m = MixtureModel.fromJson(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            GaussianMixtureModel model = new GaussianMixtureModel(meta.uid(), m);
            meta.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
