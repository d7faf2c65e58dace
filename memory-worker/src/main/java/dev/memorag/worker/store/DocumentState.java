package dev.memorag.worker.store;

import java.nio.ByteBuffer;

/** The version of a document the store holds, and whether that version is a delete. */
record DocumentState(long version, boolean deleted) {
    byte[] encode() {
        return ByteBuffer.allocate(9)
                .putLong(version)
                .put((byte) (deleted ? 1 : 0))
                .array();
    }

    static DocumentState decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        return new DocumentState(buf.getLong(), buf.get() == 1);
    }
}
