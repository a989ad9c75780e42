// Record the publicity windows of preliminary entries. $rows: [{entry_pk, publicity_from, publicity_to}]
// (dates); an entry of no preliminary list is left alone, as the embedded store's UPDATE does.
// params: rows
UNWIND $rows AS row
MATCH (:ListEntry {pk: row.entry_pk})-[l:LISTED_IN]->(:PreliminaryList)
SET l.publicity_from = row.publicity_from, l.publicity_to = row.publicity_to
RETURN count(*) AS written
