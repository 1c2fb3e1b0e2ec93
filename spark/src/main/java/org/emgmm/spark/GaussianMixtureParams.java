package org.emgmm.spark;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The parameters shared by {@link GaussianMixture} and {@link GaussianMixtureModel}, Spark ML style: each has an
 * accessor returning the {@link Param} and a getter returning its value. The {@code Param} objects live in a
 * {@link ParamSet} owned by the implementing instance (so their parent is its uid).
 */
public interface GaussianMixtureParams extends Params {

    /** @return the Param objects of this instance */
    ParamSet paramSet();

    /** @return number of components K (default 2) */
    default IntParam k() {
        return paramSet().k;
    }

    /** @return covariance type: full, diag, spherical or tied (default full) */
    default Param<String> covarianceType() {
        return paramSet().covarianceType;
    }

    /** @return EM iterations per initialisation at most; 0 returns the initialisation (default 100) */
    default IntParam maxIter() {
        return paramSet().maxIter;
    }

    /** @return convergence threshold on the change of the mean log-likelihood (default 1e-3) */
    default DoubleParam tol() {
        return paramSet().tol;
    }

    /** @return non-negative value added to covariance diagonals (default 1e-6) */
    default DoubleParam regCovar() {
        return paramSet().regCovar;
    }

    /** @return random seed (default 0) */
    default LongParam seed() {
        return paramSet().seed;
    }

    /** @return initialisations; the best lower bound wins (default 1) */
    default IntParam nInit() {
        return paramSet().nInit;
    }

    /** @return initialisation method: kmeans++, random, random-from-data (default kmeans++) */
    default Param<String> init() {
        return paramSet().init;
    }

    /** @return path (local, HDFS, ...) of an emgmm model file to start from (warm start); unset by default */
    default Param<String> initialModelPath() {
        return paramSet().initialModelPath;
    }

    /** @return an emgmm model, as model-file JSON text, to start from; unset by default */
    default Param<String> initialModelJson() {
        return paramSet().initialModelJson;
    }

    /** @return the features column, of ML vectors (default "features") */
    default Param<String> featuresCol() {
        return paramSet().featuresCol;
    }

    /** @return a numeric column of non-negative sample weights; unset (all weights 1) by default */
    default Param<String> weightCol() {
        return paramSet().weightCol;
    }

    /** @return the output column of the most probable component, an integer (default "prediction") */
    default Param<String> predictionCol() {
        return paramSet().predictionCol;
    }

    /** @return the output column of the K component probabilities, an ML vector (default "probability") */
    default Param<String> probabilityCol() {
        return paramSet().probabilityCol;
    }

    /** @return per-sample arithmetic: float or double (default double); the M step is always double */
    default Param<String> precision() {
        return paramSet().precision;
    }

    /**
     * @return auto (a task's Spark "gpu" resource through OpenCL when it has one, else the CPU), cpu or opencl
     *     (default auto)
     */
    default Param<String> backend() {
        return paramSet().backend;
    }

    /** @return the value of {@link #k()} */
    default int getK() {
        return (Integer) getOrDefault(k());
    }

    /** @return the value of {@link #covarianceType()} */
    default String getCovarianceType() {
        return getOrDefault(covarianceType());
    }

    /** @return the value of {@link #maxIter()} */
    default int getMaxIter() {
        return (Integer) getOrDefault(maxIter());
    }

    /** @return the value of {@link #tol()} */
    default double getTol() {
        return (Double) getOrDefault(tol());
    }

    /** @return the value of {@link #regCovar()} */
    default double getRegCovar() {
        return (Double) getOrDefault(regCovar());
    }

    /** @return the value of {@link #seed()} */
    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    /** @return the value of {@link #nInit()} */
    default int getNInit() {
        return (Integer) getOrDefault(nInit());
    }

    /** @return the value of {@link #init()} */
    default String getInit() {
        return getOrDefault(init());
    }

    /** @return the value of {@link #initialModelPath()}, or null when unset */
    default String getInitialModelPath() {
        return isDefined(initialModelPath()) ? getOrDefault(initialModelPath()) : null;
    }

    /** @return the value of {@link #initialModelJson()}, or null when unset */
    default String getInitialModelJson() {
        return isDefined(initialModelJson()) ? getOrDefault(initialModelJson()) : null;
    }

    /** @return the value of {@link #featuresCol()} */
    default String getFeaturesCol() {
        return getOrDefault(featuresCol());
    }

    /** @return the value of {@link #weightCol()}, or null when unset or empty */
    default String getWeightCol() {
        if (!isDefined(weightCol())) {
            return null;
        }
        String w = getOrDefault(weightCol());
        return w == null || w.isEmpty() ? null : w;
    }

    /** @return the value of {@link #predictionCol()} */
    default String getPredictionCol() {
        return getOrDefault(predictionCol());
    }

    /** @return the value of {@link #probabilityCol()} */
    default String getProbabilityCol() {
        return getOrDefault(probabilityCol());
    }

    /** @return the value of {@link #precision()} */
    default String getPrecision() {
        return getOrDefault(precision());
    }

    /** @return the value of {@link #backend()} */
    default String getBackend() {
        return getOrDefault(backend());
    }
}
