// Hidden setup of docs/rules.md (docs/contributing.md): the first sample case.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const sample = JSON.parse(readFileSync(join(process.env.SNIPPETS_REPO, 'examples/data/cases.json'), 'utf8'))
globalThis.caseObject = sample.cases[0]
