package dev.memorag.ingest.status;

/**
 * Which ingest instance holds the status stores of a corpus. Document status is partitioned by corpus across the
 * instances of the admission application, so a gateway answers from its own stores only for the corpora whose
 * partition it owns and sends the others to their owner.
 */
public interface StatusOwners {
    /** One instance owns every partition (the embedded stack, a single replica): every corpus is answered here. */
    StatusOwners SINGLE = corpus -> new Local();

    Owner ownerOf(String corpus);

    /** Where the status of a corpus is answered. */
    sealed interface Owner permits Local, Remote, Unknown {}

    /** This instance's stores hold it. */
    record Local() implements Owner {}

    /** Another instance's gateway, at its advertised {@code host:port}. */
    record Remote(String host, int port) implements Owner {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** No instance can answer now (starting, rebalancing, or the partition's owner is not known yet): retry. */
    record Unknown(String reason) implements Owner {}
}
