// Hidden setup of the pages that show the monitor (docs/contributing.md): the sample rules and
// cases, `now` and the previous run's `lastNow` (also `lastRun`), a `proposed.yaml` contract in
// the working directory, and a `fetch` that records posts instead of sending them.
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const data = join(process.env.SNIPPETS_REPO, 'examples', 'data')
const { Ruleset } = globalThis.require('entitlement')
const sample = JSON.parse(readFileSync(join(data, 'cases.json'), 'utf8'))
globalThis.rules = Ruleset.load(join(data, 'rules.yaml'))
globalThis.cases = sample.cases
globalThis.now = new Date(sample.now)
globalThis.lastNow = new Date(globalThis.now.getTime() - 24 * 3600e3)
globalThis.lastRun = globalThis.lastNow
// A proposed contract for what-if examples, where a reader would keep it: next to the job.
copyFileSync(join(data, 'rules.yaml'), 'proposed.yaml')
globalThis.closedCases = sample.cases.filter((c) => c.events.some((e) => e.type === 'closed'))
globalThis.routingKey = 'R0UT1NGKEY0000000000000000000000'
globalThis.posted = []
process.env.WEBHOOK_URL ??= 'https://hooks.example.invalid/services/T000/B000/XXXX'
globalThis.fetch = async (url, init) => {
  globalThis.posted.push({ url, body: JSON.parse(init.body) })
  return new Response('ok', { status: 200 })
}
