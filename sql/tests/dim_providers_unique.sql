-- test: unique provider_id; table: dim_providers
select provider_id as key from dim_providers group by provider_id having count(*) > 1;
