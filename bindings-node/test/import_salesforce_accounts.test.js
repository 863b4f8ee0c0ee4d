'use strict'
// `salesforce.entitlements(records, { accounts })`: account context from the recorded query
// results of examples/data/import/salesforce/ with the documented mapping (the scenarios of
// entitlement-core/tests/import_salesforce_accounts.rs), camelCase option keys.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { salesforce } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import', 'salesforce')
const load = (name) => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'))
const options = (mapping = {}) => ({
  accounts: load('accounts.json'),
  contracts: load('contracts.json'),
  opportunities: load('opportunities.json'),
  teamMembers: load('account_team_members.json'),
  contactRoles: load('account_contact_roles.json'),
  ...mapping,
})
const imported = (accounts) =>
  salesforce.entitlements(load('entitlements.json'), {
    slaProcesses: load('sla_processes.json'),
    businessHours: load('business_hours.json'),
    accounts,
  })
const blocks = (imp) => imp.document.entitlements.map((e) => e.account)
const warned = (imp, record, field) => imp.warnings.some((w) => w.record.includes(record) && w.field === field)

describe('account context', () => {
  test('the default mapping', () => {
    const imp = imported(options())
    const [acme, globex, initech, umbrella] = blocks(imp)
    assert.equal(acme.arr, 5000000)
    assert.equal(acme.renewal_date, '2027-12-31')
    assert.deepEqual(acme.executive_sponsor, { name: 'Dana Ruiz', email: 'dana.ruiz@example.com' })
    assert.deepEqual(acme.csm, { name: 'Lee Park', email: 'lee@example.com' })
    assert.equal(acme.contacts.length, 3)
    assert.equal(globex.executive_sponsor, undefined)
    assert.ok(warned(imp, '0015e000000Glbx1AA', 'executive_sponsor (TeamMemberRole)'))
    assert.equal(initech.arr, undefined)
    assert.ok(warned(imp, 'Account 0015e000000Init1AA', 'AnnualRevenue'))
    assert.equal(umbrella.csm.name, 'Ana Silva')
    assert.ok(warned(imp, '0015e000000Umbr1AA', 'csm (TeamMemberRole)'))
  })

  test('a custom ARR field and an account renewal field', () => {
    const imp = imported(options({ arr: 'ARR__c', renewalDate: { from: 'account', field: 'Renewal_Date__c' } }))
    const [acme, globex] = blocks(imp)
    assert.deepEqual([acme.arr, acme.renewal_date], [1200000, '2027-03-31'])
    assert.equal(globex.renewal_date, undefined)
    assert.ok(warned(imp, 'Account 0015e000000Glbx1AA', 'Renewal_Date__c'))
  })

  test('the contract end date and the next open renewal opportunity', () => {
    assert.deepEqual(
      blocks(imported(options())).map((b) => b.renewal_date ?? null),
      ['2027-12-31', '2027-05-31', null, '2027-01-31'],
    )
    assert.deepEqual(
      blocks(imported(options({ renewalDate: { from: 'opportunity', type: 'Renewal' } }))).map((b) => b.renewal_date ?? null),
      ['2027-03-15', '2027-04-30', null, '2027-01-15'],
    )
  })

  test('a sponsor from contact roles (camelCase role key) and no CSM', () => {
    const imp = imported(options({ executiveSponsor: { contactRole: 'Executive Sponsor' }, csm: null }))
    assert.equal(blocks(imp)[0].executive_sponsor.name, 'Jo Alvarez')
    assert.ok(blocks(imp).every((b) => b.csm === undefined))
  })

  test('refusals name the key, the record and the field', () => {
    assert.throws(
      () => imported({ accounts: load('accounts.json'), renewalDate: { from: 'opportunity' } }),
      (e) => e.code === 'invalid_value' && /renewal_date/.test(e.message),
    )
    const accounts = load('accounts.json')
    accounts.records[1].ARR__c = '480k'
    assert.throws(
      () => imported({ accounts, arr: 'ARR__c' }),
      (e) => e.code === 'unsupported' && /Account 0015e000000Glbx1AA/.test(e.message) && /ARR__c/.test(e.message),
    )
    assert.throws(() => imported(options({ sponsor: { teamRole: 'x' } })), (e) => e.code === 'unknown_key')
    assert.throws(() => imported('accounts'), (e) => e.code === 'invalid_type')
  })
})
