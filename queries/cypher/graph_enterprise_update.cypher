// Loading enterprises, step 3: update the changed ones by key (a null value removes the property).
// $rows: [{pk, name, enterprise_kind, enterprise_status, region_code, established (date)}].
// params: rows
UNWIND $rows AS row
MATCH (s:Enterprise {pk: row.pk})
SET s.name = row.name,
    s.enterprise_kind = row.enterprise_kind,
    s.enterprise_status = row.enterprise_status,
    s.region_code = row.region_code,
    s.established = row.established
