package dev.memorag.settings;

/** A part of the stack one process may run ({@code MEMORAG_PARTS}). */
public enum Part implements Choice {
    /** The embedded KRaft broker (and topic creation). */
    BROKER,
    /**
     * Admission (Streams) and the ingest gateway. Several instances share the work; each gateway answers the
     * document status of its partitions and forwards the rest ({@code MEMORAG_ADVERTISED_HOST}).
     */
    INGEST,
    /**
     * The chunk-and-embed job on an in-process Flink MiniCluster. Left out where a Flink cluster runs the job
     * ({@code deploy/}: FlinkDeployment).
     */
    CHUNKER,
    /** A memory worker with its RocksDB store. */
    WORKER,
    /** The query service. */
    QUERY
}
