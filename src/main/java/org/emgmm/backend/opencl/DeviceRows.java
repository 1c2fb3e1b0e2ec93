package org.emgmm.backend.opencl;

import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * The data side of a pass on one device: where the rows are on the device, chunk by chunk, in the layout of a
 * {@link KernelPlan} ({@link KernelPlan#resident}, {@link KernelPlan#chunkRows}, {@link KernelPlan#chunks}).
 * Resident data is uploaded once ({@link #load}) into as many device buffers as the plan has chunks (each within
 * CL_DEVICE_MAX_MEM_ALLOC_SIZE); streamed data goes through two device buffers and two host staging buffers (pinned
 * where the driver allows), the upload of one chunk (on the context's transfer queue) overlapping the kernels of the
 * previous one (on the compute queue). Staging buffers are filled by several threads ({@link StagingFill}) straight
 * from the dataset (a memory map, for a mapped file), so host memory stays bounded by the staging buffers whatever
 * the size of the data.
 *
 * <p>{@link #forEachChunk} hands every chunk, once on the device, to whatever enqueues kernels on it: one model's
 * ({@link OpenClPass}) or every model's of a group ({@link OpenClMultiPass}), so one upload serves them all.
 */
final class DeviceRows implements AutoCloseable {
    /** Staging size for the one-time upload of resident data. */
    private static final long UPLOAD_PIECE_BYTES = 1L << 26;

    /** What is enqueued on one chunk once its rows are on the device. */
    interface ChunkWork {
        /**
         * @param chunk the chunk's index
         * @param slot the data buffer holding it ({@link #x}, {@link #w})
         * @param rows its rows
         * @param wait events the first kernel must wait for (the chunk's upload), or null
         * @param done an event the last kernel must set (the slot is reusable then), or null
         */
        void enqueue(int chunk, int slot, long rows, ClEvent[] wait, ClEvent done);
    }

    private final ClContext ctx;
    private final KernelPlan plan;
    private final Dataset data;
    private final Owned owned = new Owned();
    private final ClMem[] dx;
    private final ClMem[] dw;
    private Staging[] stagingX;
    private Staging[] stagingW;
    /** Chunks written to the device so far (the resident upload counts each chunk once). */
    private long chunkWrites;

    /** Allocates the device buffers of {@code plan}'s layout; {@link #load} fills or stages them. */
    DeviceRows(ClContext ctx, KernelPlan plan, Dataset data) {
        this.ctx = ctx;
        this.plan = plan;
        this.data = data;
        // resident: one buffer per chunk, each as long as its chunk; streamed: two slots of a whole chunk
        int slots = plan.resident ? plan.chunks : 2;
        dx = new ClMem[slots];
        dw = new ClMem[slots];
        try {
            for (int s = 0; s < slots; s++) {
                long rows = plan.resident ? chunkRows(s) : plan.chunkRows;
                dx[s] = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, rows * plan.d * plan.realSize,
                        "data" + (slots > 1 ? " buffer " + s : "")));
                dw[s] = plan.weighted ? own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, rows * plan.realSize,
                        "weights" + (slots > 1 ? " buffer " + s : ""))) : dx[s];
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T r) {
        return owned.add(r);
    }

    /** Whether {@code other} puts the rows in the same chunks and launches (so one upload serves both). */
    static boolean sameLayout(KernelPlan a, KernelPlan b) {
        return a.resident == b.resident && a.chunkRows == b.chunkRows && a.chunks == b.chunks && a.n == b.n
                && a.d == b.d && a.weighted == b.weighted && a.precision == b.precision && a.pinned == b.pinned;
    }

    /** @return the plan whose layout this follows */
    KernelPlan plan() {
        return plan;
    }

    /** @return the data buffer of slot {@code s} */
    ClMem x(int s) {
        return dx[s];
    }

    /** @return the weight buffer of slot {@code s} (the data buffer, unread, without weights) */
    ClMem w(int s) {
        return dw[s];
    }

    /** Uploads resident data once, or allocates the staging buffers of streamed data. */
    void load() {
        try {
            if (plan.resident) {
                upload();
            } else {
                stagingX = new Staging[2];
                stagingW = new Staging[2];
                for (int s = 0; s < 2; s++) {
                    stagingX[s] = own(new Staging(ctx, plan.chunkRows * plan.d * plan.realSize, plan.pinned));
                    stagingW[s] = plan.weighted ? own(new Staging(ctx, plan.chunkRows * plan.realSize, plan.pinned))
                            : null;
                }
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** @return how many chunks have been written to the device so far (a resident chunk once, a streamed one per pass) */
    long chunkWrites() {
        return chunkWrites;
    }

    /** @return rows of chunk {@code c} (the last may be short) */
    long chunkRows(int c) {
        return Math.min(plan.chunkRows, plan.n - (long) c * plan.chunkRows);
    }

    /** @return bytes of host staging a streamed pass holds (two slots of data and weights), 0 when resident */
    long stagingBytes() {
        long b = 0;
        for (Staging[] ss : new Staging[][] {stagingX, stagingW}) {
            if (ss != null) {
                for (Staging st : ss) {
                    b += st == null ? 0 : st.buf.capacity();
                }
            }
        }
        return b;
    }

    /**
     * Uploads the whole dataset once into its chunk buffers, in pieces through one staging buffer, each piece filled
     * by several threads (Java arrays hold under 2³¹ values). The writes are blocking: for a non-blocking write JOCL
     * starts a thread of its own that waits on the write's event and releases it while this thread goes on calling
     * OpenCL, and Oclgrind's command queue is not safe for that (it crashed in asyncQueueRelease / clFlush in 5 of 6
     * runs of .ci/oclgrind.sh). The one-time upload gives up overlapping the fill with the transfer; streaming
     * ({@link #forEachChunk}) still overlaps, on the devices that stream.
     */
    private void upload() {
        long rowBytes = (long) plan.d * plan.realSize;
        long pieceRows = Math.max(1, Math.min(plan.chunkRows, UPLOAD_PIECE_BYTES / rowBytes));
        boolean asFloat = plan.precision == Precision.FLOAT;
        synchronized (ctx.lock) {
            // one staging buffer of each kind: a blocking write has read it by the time it returns
            try (Staging sx = new Staging(ctx, pieceRows * rowBytes, plan.pinned);
                 Staging sw = plan.weighted ? new Staging(ctx, pieceRows * plan.realSize, plan.pinned) : null) {
                for (int c = 0; c < plan.chunks; c++) {
                    long rowsC = chunkRows(c);
                    long first = (long) c * plan.chunkRows;
                    for (long r = 0; r < rowsC; r += pieceRows) {
                        int rows = (int) Math.min(pieceRows, rowsC - r);
                        if (sw != null) {
                            StagingFill.fill(data, sw.buf, first + r, rows, asFloat, true);
                            Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dw[c].mem, true, r * plan.realSize,
                                    (long) rows * plan.realSize, Pointer.to(sw.buf), 0, null, null),
                                    "clEnqueueWriteBuffer(weights)");
                        }
                        StagingFill.fill(data, sx.buf, first + r, rows, asFloat, false);
                        chunkWrites += r == 0 ? 1 : 0;
                        Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dx[c].mem, true, r * rowBytes,
                                rows * rowBytes, Pointer.to(sx.buf), 0, null, null),
                                "clEnqueueWriteBuffer(data buffer " + c + ")");
                    }
                }
                Cl.check(CL.clFinish(ctx.transfer), "clFinish(upload)");
            } finally {
                CL.clFinish(ctx.transfer);
            }
        }
    }

    /**
     * Hands every chunk, in order, to {@code work} once its rows are on the device: resident chunks at once;
     * streamed ones through the two slots, the upload of chunk c+1 overlapping the kernels of chunk c. Call with
     * {@code ctx.lock} held.
     */
    void forEachChunk(ChunkWork work) {
        if (plan.resident) {
            for (int c = 0; c < plan.chunks; c++) {
                work.enqueue(c, c, chunkRows(c), null, null);
            }
            return;
        }
        ClEvent[] done = new ClEvent[2];
        try {
            for (int c = 0; c < plan.chunks; c++) {
                int slot = c & 1;
                if (done[slot] != null) {
                    done[slot].await();
                    done[slot].close();
                    done[slot] = null;
                }
                long start = (long) c * plan.chunkRows;
                int rows = (int) Math.min(plan.chunkRows, plan.n - start);
                // weights first, then data: the transfer queue is in order, so the data write's event covers both
                if (plan.weighted) {
                    StagingFill.fill(data, stagingW[slot].buf, start, rows, plan.precision == Precision.FLOAT, true);
                    Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dw[slot].mem, false, 0,
                            (long) rows * plan.realSize, Pointer.to(stagingW[slot].buf), 0, null, null),
                            "clEnqueueWriteBuffer(weights chunk " + c + ")");
                }
                StagingFill.fill(data, stagingX[slot].buf, start, rows, plan.precision == Precision.FLOAT, false);
                try (ClEvent written = new ClEvent()) {
                    Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dx[slot].mem, false, 0,
                            (long) rows * plan.d * plan.realSize, Pointer.to(stagingX[slot].buf), 0, null,
                            written.event), "clEnqueueWriteBuffer(data chunk " + c + ")");
                    Cl.check(CL.clFlush(ctx.transfer), "clFlush");
                    chunkWrites++;
                    // the event of this chunk's last kernel marks its slot (device and staging buffers) reusable
                    done[slot] = new ClEvent();
                    work.enqueue(c, slot, rows, new ClEvent[] {written}, done[slot]);
                    Cl.check(CL.clFlush(ctx.queue), "clFlush");
                }
            }
        } finally {
            CL.clFinish(ctx.queue);
            for (ClEvent e : done) {
                if (e != null) {
                    e.close();
                }
            }
        }
    }

    @Override
    public void close() {
        owned.close();
    }
}
