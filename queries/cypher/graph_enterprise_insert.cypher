// Loading enterprises, step 2: create the new ones (keys from the 'subject' sequence; null fields are left
// out). $rows: [{pk, code, name, enterprise_kind, enterprise_status, region_code, established (date)}].
// params: rows
UNWIND $rows AS row
CREATE (:Subject:Enterprise {pk: row.pk, subject_type: 'enterprise', code: row.code, name: row.name,
        enterprise_kind: row.enterprise_kind, enterprise_status: row.enterprise_status,
        region_code: row.region_code, established: row.established})
