package dev.memorag.worker.store;

/** Told what each applied batch changed, after its write is durable and before {@code apply} returns. */
@FunctionalInterface
public interface PassageListener {
    void changed(PassageChanges changes);
}
