// Record a dispatch run (one trigger) with its counts.
// params: pk, at, run_on, scope, started, changed, ended, recalled
CREATE (:DispatchRun {pk: $pk, at: $at, run_on: $run_on, scope: $scope, started: $started, changed: $changed,
                      ended: $ended, recalled: $recalled})
