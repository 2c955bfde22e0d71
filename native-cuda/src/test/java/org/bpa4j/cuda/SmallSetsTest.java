package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which sets take the small-set kernels, and the shared memory they ask for; runs on every machine. */
class SmallSetsTest {
    @Test
    void sharedMemoryMatchesTheKernelsLayout() {
        // small_forward_shared_floats(80) = 80·80 + 3·80; small_backward_shared_floats(80, 10) = 80·80 + 4·11·80 + 80
        assertEquals(4L * (6400 + 240), SmallSets.forwardSharedBytes(80));
        assertEquals(4L * (6400 + 3520 + 80), SmallSets.backwardSharedBytes(80, 10));
        assertEquals(4L * (128 * 128 + 3 * 128), SmallSets.forwardSharedBytes(128));
    }

    @Test
    void episodesFitEveryTargetGpu() {
        // 99 KiB is the smallest opt-in limit among sm_80/86/89/90 (sm_86 and sm_89), less the static shared memory
        int smallestLimit = 99 * 1024 - 1024;
        assertTrue(SmallSets.fits(80, SmallSets.backwardSharedBytes(80, 10), smallestLimit));
        assertTrue(SmallSets.fits(128, SmallSets.backwardSharedBytes(128, 10), smallestLimit));
        assertTrue(SmallSets.fits(128, SmallSets.forwardSharedBytes(128), smallestLimit));
        // many iterations of a large small set need more than such a GPU has: the multi-launch path takes them
        assertFalse(SmallSets.fits(128, SmallSets.backwardSharedBytes(128, 50), smallestLimit));
        assertFalse(SmallSets.fits(129, SmallSets.forwardSharedBytes(129), Integer.MAX_VALUE));
        assertFalse(SmallSets.fits(0, 0, Integer.MAX_VALUE));
    }

    @Test
    void aForcedRouteIsTakenOrRefused() {
        assertTrue(SmallSets.take(SmallSets.Route.AUTO, true, "pass"));
        assertFalse(SmallSets.take(SmallSets.Route.AUTO, false, "pass"));
        assertFalse(SmallSets.take(SmallSets.Route.MULTI_LAUNCH, true, "pass"));
        assertTrue(SmallSets.take(SmallSets.Route.SMALL_SETS, true, "pass"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SmallSets.take(SmallSets.Route.SMALL_SETS, false, "BPA forward of (3, 200, 4)"));
        assertTrue(e.getMessage().contains("BPA forward of (3, 200, 4)"), e.getMessage());
    }
}
