package org.emgmm.backend;

import java.util.function.Consumer;

/**
 * Receives the blocks of a scoring pass in two steps, so that per-row work (formatting text, say) runs on the
 * pass's workers while what must be ordered (writing a file) runs in row order: {@link #convert} on any worker, in
 * any order, and {@link #accept} on the thread that called {@link Scorer#run}, block after block in row order.
 * Only a bounded number of blocks is converted and not yet accepted at any time.
 *
 * @param <T> what a block is converted to
 */
public interface ScoreSink<T> {

    /**
     * On a worker thread: turns a finished block into what {@link #accept} receives.
     *
     * @param block the block (owned by the sink from now on)
     * @return the converted block
     */
    T convert(ScoreBlock block);

    /**
     * On the calling thread, in row order: takes one converted block.
     *
     * @param converted what {@link #convert} returned
     */
    void accept(T converted);

    /**
     * @param consumer receives each block in row order, on the calling thread
     * @return a sink that hands the blocks over unconverted
     */
    static ScoreSink<ScoreBlock> inOrder(Consumer<ScoreBlock> consumer) {
        return new ScoreSink<>() {
            @Override
            public ScoreBlock convert(ScoreBlock block) {
                return block;
            }

            @Override
            public void accept(ScoreBlock converted) {
                consumer.accept(converted);
            }
        };
    }

    /** @return a sink that keeps nothing (for the totals alone) */
    static ScoreSink<ScoreBlock> none() {
        return inOrder(b -> { });
    }
}
