-- depends_on: quarantine_duplicates
-- slices: staging_visits
-- Marks the staged visits whose visit_id the warehouse already holds (an earlier run loaded them; the
-- fact insert skips them: idempotent reloads). Every slice runs before the fact insert's first, so the
-- lookup meets only what earlier runs stored, never this run's own rows (073_staged_visits_already_loaded.sql).
update staging_visits as s
set already_loaded = true
where s.run_id = pipeline_run_id()
  and s.source_line between slice_first_line('staging_visits') and slice_last_line('staging_visits')
  and exists (select 1 from fact_visits as f where f.visit_id = s.visit_id);
