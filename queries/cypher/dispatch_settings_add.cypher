// Keep a new row of dispatch settings (older rows stay: who changed them and when); returns it.
// params: pk, feedback_days, remind_every_days, at, actor
CREATE (s:DispatchSettings {pk: $pk, feedback_days: $feedback_days, remind_every_days: $remind_every_days,
                            changed_at: $at, changed_by: $actor})
RETURN s.feedback_days AS feedback_days, s.remind_every_days AS remind_every_days,
       s.changed_at AS changed_at, s.changed_by AS changed_by
