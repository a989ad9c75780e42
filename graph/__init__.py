"""credlink's domain: the linkage graph, identifiers, rules and propagation, and the store port."""
