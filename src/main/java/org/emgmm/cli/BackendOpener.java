package org.emgmm.cli;

import org.emgmm.GmmSettings;
import org.emgmm.backend.Backends;
import org.emgmm.data.Dataset;

/**
 * How the commands open their backend: {@link Backends} in production; tests give {@link Main#commandLine(
 * BackendOpener)} one that records what runs on it.
 */
interface BackendOpener {
    /** The production opener. */
    BackendOpener STANDARD = new BackendOpener() {
        @Override
        public Backends.Choice forFit(GmmSettings s, Dataset data) {
            return Backends.open(s, data);
        }

        @Override
        public Backends.Choice forScoring(GmmSettings s, Dataset data) {
            return Backends.openForScoring(s, data);
        }
    };

    /**
     * @param s settings
     * @param data the data to fit
     * @return the backend for a fit (and the summary's scoring pass after it)
     */
    Backends.Choice forFit(GmmSettings s, Dataset data);

    /**
     * @param s settings (k and covariance type of the model)
     * @param data the data to score
     * @return the backend for {@code predict} and {@code score}
     */
    Backends.Choice forScoring(GmmSettings s, Dataset data);
}
