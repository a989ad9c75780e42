-- Search box, by name: keys of subjects whose name may contain :pattern ('%text%'), read from the trigram
-- index (migration 0006), at most :cap of them. Only for texts of three or more characters.
SELECT f.rowid
FROM subjects_name_fts AS f
WHERE f.name LIKE :pattern
LIMIT :cap
