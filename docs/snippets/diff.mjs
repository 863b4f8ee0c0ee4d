// Hidden setup of docs/diff.md (docs/contributing.md): the pair of documents and the open cases
// of tests/diff/ as `oldRules`, `newRules` and `openCases`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const { Ruleset } = globalThis.require('entitlement')
const dir = join(process.env.SNIPPETS_REPO, 'tests', 'diff')
globalThis.oldRules = Ruleset.load(join(dir, 'old.yaml'))
globalThis.newRules = Ruleset.load(join(dir, 'new.yaml'))
globalThis.openCases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')).cases
