// Constraints and indexes of the lifecycle, preliminary lists and the job (filled by that part).
// params:
