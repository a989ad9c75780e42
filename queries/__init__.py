"""The read side: named queries (check, subject profile) and their SQL/Cypher text."""
