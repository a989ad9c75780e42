// The dispatch settings in force: the newest kept row (none: the defaults apply, decided by the caller).
// params:
MATCH (s:DispatchSettings)
RETURN s.feedback_days AS feedback_days, s.remind_every_days AS remind_every_days,
       s.changed_at AS changed_at, s.changed_by AS changed_by
ORDER BY s.pk DESC
LIMIT 1
