// Hidden setup of the Salesforce pages (docs/contributing.md): the SOQL query results of
// examples/data/import/salesforce/ as globals, and force-app/main/default linked to the
// fixtures' metadata folder.
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(process.env.SNIPPETS_REPO, 'examples', 'data', 'import', 'salesforce')
const read = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'))
globalThis.bhResult = read('business_hours.json')
globalThis.holidayResult = read('holidays.json')
globalThis.entitlementResult = read('entitlements.json')
globalThis.slaResult = read('sla_processes.json')
globalThis.caseResult = read('cases.json')
globalThis.history = read('case_history.json')
globalThis.milestones = read('case_milestones.json')
globalThis.accountResult = read('accounts.json')
globalThis.contractResult = read('contracts.json')
globalThis.opportunityResult = read('opportunities.json')
globalThis.teamResult = read('account_team_members.json')
globalThis.contactRoleResult = read('account_contact_roles.json')
mkdirSync('force-app/main', { recursive: true })
if (!existsSync('force-app/main/default')) symlinkSync(join(dir, 'metadata'), 'force-app/main/default')
