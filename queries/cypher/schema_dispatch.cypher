// Constraints and indexes of trigger-feedback (filled by that part).
// params:
