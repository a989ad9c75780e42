// Lint Cypher with Neo4j's own language support (syntax and semantic analysis of Neo4j 5 Cypher).
//
// Reads one JSON job on stdin: {"schema": DbSchema, "queries": [{"name", "text", "params": [...]}]}.
// Each query is linted against the schema plus its own declared parameters, so an undefined variable,
// an undeclared parameter, a misspelled label, relationship type or property, a relationship drawn the
// wrong way or a deprecated form is reported. Prints [{"name", "diagnostics": [...]}] as JSON on stdout.
// Used by tests/graph/neo4j/test_cypher_lint.py; run `bash scripts/test.sh -k cypher_lint` to see it.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);

const results = job.queries.map((query) => {
  const parameters = Object.fromEntries(query.params.map((name) => [name, null]));
  const schema = { ...job.schema, parameters };
  const { diagnostics } = lintCypherQuery(query.text, schema);
  return {
    name: query.name,
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
});
process.stdout.write(JSON.stringify(results));
