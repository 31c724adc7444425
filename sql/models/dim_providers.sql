-- depends_on: quarantine_duplicates
-- Providers keep their professional name and specialty; a changed name or specialty is updated in place.
insert into dim_providers (provider_id, provider_name, specialty, run_id)
select provider_id, provider_name, specialty, current_setting('pipeline.run_id')
from stg_providers
on conflict (provider_id) do update
set provider_name = excluded.provider_name,
    specialty = excluded.specialty,
    run_id = excluded.run_id
where (dim_providers.provider_name, dim_providers.specialty)
      is distinct from (excluded.provider_name, excluded.specialty);
