// The derived records of $scope (entry pks; all when null), to compare with a new computation.
// params: scope
MATCH (d:DerivedRecord)
WHERE $scope IS NULL OR d.entry_pk IN $scope
RETURN d.entry_pk AS entry_pk, d.role_pk AS role_pk, d.person_pk AS person_pk, d.enterprise_pk AS enterprise_pk,
       d.role AS role, d.holder_basis AS holder_basis, d.valid_from AS valid_from, d.valid_to AS valid_to
