// The current value of the 'change' sequence: every (:Change) with a higher seq was committed after this
// was read (writers take seq numbers from that counter in their transaction), so a run reads it first.
// params:
OPTIONAL MATCH (s:Sequence {name: 'change'})
RETURN coalesce(s.value, 0) AS seq
