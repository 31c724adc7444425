-- depends_on: fact_visits
-- slices: staging_visits
-- The bounded contributions privatize reads (060_patient_contributions.sql), kept incrementally: the
-- patients this batch brought visits for get their first N visits refolded from the whole warehouse,
-- in this transaction. Attributes are joined at release, so a new version needs no refold.
select fold_patient_contributions(array(select distinct patient_id from stg_visits));
