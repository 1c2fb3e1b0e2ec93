package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The fit command's background work (model file, summary tables): results and failures as thrown. */
class BackgroundTest {
    @Test
    void resultAndThreadName() throws IOException {
        Background<String> b = Background.start("emgmm-test", () -> Thread.currentThread().getName());
        assertEquals("emgmm-test", b.get());
    }

    @Test
    void ioFailureIsRethrownItself() {
        IOException failure = new IOException("disk full");
        Background<Void> b = Background.start("emgmm-test", () -> {
            throw failure;
        });
        assertSame(failure, assertThrows(IOException.class, b::get));
    }

    @Test
    void uncheckedFailureIsRethrownItself() {
        IllegalArgumentException failure = new IllegalArgumentException("bad");
        Background<Void> b = Background.start("emgmm-test", () -> {
            throw failure;
        });
        assertSame(failure, assertThrows(IllegalArgumentException.class, b::get));
    }

    @Test
    void awaitWaitsForTheEndEvenWhenInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Background<Void> b = Background.start("emgmm-test", () -> {
            started.countDown();
            Thread.sleep(200);
            finished.set(true);
            throw new IOException("late failure");
        });
        started.await();
        Thread.currentThread().interrupt();
        b.await(); // neither the interrupt nor the failure ends the wait early
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertTrue(finished.get());
        assertThrows(IOException.class, b::get);
    }
}
