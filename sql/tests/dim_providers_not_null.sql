-- test: not_null provider_id, provider_name, specialty; table: dim_providers
select provider_key::text as key from dim_providers
where provider_id is null or provider_name is null or specialty is null or run_id is null
   or btrim(provider_id) = '' or btrim(provider_name) = '' or btrim(specialty) = '';
