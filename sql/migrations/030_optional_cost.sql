-- Cost is optional: a FHIR Encounter with no Claim or ExplanationOfBenefit, or a mapped CSV export
-- without a cost column, has none. Such a visit is loaded with cost and cost_with_privacy both NULL
-- (never 0, which would be a price); the fact_visits_cost_valid data test checks they go together.
-- Forward-only and idempotent: dropping a NOT NULL that is already dropped does nothing.
alter table staging_visits alter column cost drop not null;
alter table staging_visits alter column cost_with_privacy drop not null;
alter table fact_visits alter column cost drop not null;
alter table fact_visits alter column cost_with_privacy drop not null;
