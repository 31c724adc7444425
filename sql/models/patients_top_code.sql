-- depends_on: dim_patients
-- Once per run, after every slice of dim_patients (a top-code between slices would stop a later
-- slice's birth-year correction that the single pass makes).

-- Ages are stated at the newest batch date loaded, whatever order batches arrive in.
insert into age_reference (id, as_of)
values (1, current_setting('pipeline.as_of')::date)
on conflict (id) do update set as_of = greatest(age_reference.as_of, excluded.as_of);

-- Safe Harbor's top-code as the batch date moves: whoever reaches 90 this year joins "90 or older",
-- in place on every version. Touches only the rows crossing (indexed on birth_year).
update dim_patients
set birth_year = null
where birth_year <= extract(year from (select as_of from age_reference where id = 1))::integer - 90;
