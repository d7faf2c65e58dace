package dev.memorag.ingest.admission;

/** What admission remembers of a document: its current version, content hash, and whether it is deleted. */
record DocumentVersion(long version, String sha256, boolean deleted) {}
