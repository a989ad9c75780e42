// Serialise writers of one kind (dispatch runs, reminders): the first write of their transaction locks
// (:Lock {name}) until commit, so the next writer reads what this one committed. See DispatchPart.
// params: name, at
MERGE (l:Lock {name: $name})
SET l.at = $at
