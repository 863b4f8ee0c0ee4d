// Hidden setup of the ServiceNow page (docs/contributing.md): `get(table)` answers the Table API
// calls the page makes from the recorded bodies of examples/data/import/servicenow/.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(process.env.SNIPPETS_REPO, 'examples', 'data', 'import', 'servicenow')
globalThis.get = (table) => JSON.parse(readFileSync(join(dir, `${table}.json`), 'utf8'))
