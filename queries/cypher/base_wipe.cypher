// Delete everything, in batches (the conformance tests start each test from an empty database).
// params:
MATCH (n)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
