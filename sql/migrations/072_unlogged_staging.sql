-- Staging holds a run's rows only from its load until its transform commits, and the load can always
-- be run again from the clean files: the rows need no write-ahead log. At 400k patients the load wrote
-- its 1.6M staged rows and their (run_id, source_line) index to the WAL, and the transform deleted them
-- through it again; on a server at the default max_wal_size that volume also brought checkpoints into
-- the transform, after which every page the fact insert touched was logged whole.
--
-- What a crash costs: PostgreSQL empties unlogged tables after an unclean shutdown (Aurora keeps them,
-- its storage is crash-safe). A run whose staging was emptied fails its transform's reconciliation
-- (COUNTS_DO_NOT_RECONCILE: staged 0 of the files' rows) with the hint to load the batch again; nothing
-- is lost or half-applied, since the warehouse tables stay logged. Only the writer reads staging (the
-- Data API and the pipeline login connect to the writer). Forward-only and idempotent: setting a table
-- unlogged that already is does nothing.
alter table staging_patients set unlogged;
alter table staging_providers set unlogged;
alter table staging_visits set unlogged;
