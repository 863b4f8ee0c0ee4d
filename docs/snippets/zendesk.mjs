// Hidden setup of the Zendesk pages (docs/contributing.md): the recorded API responses of
// examples/data/import/zendesk/ as `schedules`, `holidaysById` and `policies`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(process.env.SNIPPETS_REPO, 'examples', 'data', 'import', 'zendesk')
const read = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'))
globalThis.schedules = read('schedules.json')
globalThis.holidaysById = read('holidays.json')
globalThis.policies = read('sla_policies.json')
