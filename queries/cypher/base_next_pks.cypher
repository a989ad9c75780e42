// Reserve $count consecutive keys of the sequence $name; returns the first one (keys start at 1).
// params: name, count
MERGE (s:Sequence {name: $name})
  ON CREATE SET s.value = 0
SET s.value = s.value + $count
RETURN s.value - $count + 1 AS first
