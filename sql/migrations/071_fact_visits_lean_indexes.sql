-- The fact insert maintains every index of the partition a visit lands in; at 400k patients (1.2M
-- visits) it cost about 22 µs a row where a plain COPY costs 1.3. Priced one at a time (the same 1.2M
-- rows inserted into a copy of fact_visits with and without each index, PostgreSQL 15): the
-- patient_key, provider_key and visit_date indexes were about half of the insert, and nothing reads
-- through them any more:
--   - analysts read fact_visits only through get_fact_visits() (020), a whole-table function scan;
--   - the contributions fold reads the visits the insert just added (sql/models/fact_visits.sql), and
--     the rebuild joins every visit (a hash join);
--   - the data tests and the run evidence find a run's visits by run_id (050) and ids by visit_id;
--     fact_visits_no_future_dates on demand (npm run dq) reads the partitions from the batch date's
--     year on (partition pruning), not the whole table;
--   - rotate-key pages by visit_key (the primary key); retention detaches whole partitions.
-- Kept: the primary key (visit_key, visit_date), visit_id (the insert's anti-join, uniqueness, the
-- evidence) and run_id. Forward-only and idempotent; dropping the parent's index drops every partition's.
drop index if exists fact_visits_patient_key_idx;
drop index if exists fact_visits_provider_key_idx;
drop index if exists fact_visits_visit_date_idx;
