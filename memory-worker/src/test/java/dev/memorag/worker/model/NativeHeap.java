package dev.memorag.worker.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/**
 * Bytes currently allocated through glibc malloc (small blocks + mmapped blocks), which is where
 * libtorch's CPU tensors live. Unlike RSS it does not move when the JVM touches fresh heap pages.
 */
final class NativeHeap {
    @Structure.FieldOrder({
        "arena",
        "ordblks",
        "smblks",
        "hblks",
        "hblkhd",
        "usmblks",
        "fsmblks",
        "uordblks",
        "fordblks",
        "keepcost"
    })
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    interface LibC extends Library {
        MallInfo2 mallinfo2();
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private NativeHeap() {}

    /**
     * {@link #inUseBytes} once spent direct buffers have been freed: DJL copies arrays it creates through JVM direct
     * buffers, which are malloc'd and freed only after a garbage collection, so between collections they look like
     * native growth (tens of MiB over a few rounds of a small model).
     */
    static long settledInUseBytes() {
        System.gc();
        try {
            Thread.sleep(200); // the buffers' cleaners run on their own thread after the collection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return inUseBytes();
    }

    static long inUseBytes() {
        MallInfo2 m = LIBC.mallinfo2();
        return m.uordblks + m.hblkhd;
    }
}
