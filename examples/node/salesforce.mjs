// Salesforce in and out, through jsforce: the SOQL the job runs, its records as the engine's
// cases, and the case priority the `raise_priority` action writes. The same query and mapping as
// the Python job (`entitlement.pipeline`), so both see the same cases and the same event keys.

import jsforce from 'jsforce'

export const API_VERSION = '61.0'

/**
 * Open and recently closed cases with an entitlement, their status and severity history, and
 * their emails (agent replies are outgoing, customer replies incoming). The API user needs read
 * access to these fields and to the case history (docs/deployment.md).
 */
export const CASES_SOQL =
  'SELECT Id, CaseNumber, Subject, CreatedDate, Status, Severity__c, Priority, IsClosed, ' +
  'ClosedDate, Entitlement.Name, ' +
  '(SELECT Field, OldValue, NewValue, CreatedDate FROM CaseHistories ' +
  "WHERE Field IN ('Status', 'Severity__c') ORDER BY CreatedDate), " +
  '(SELECT Incoming, MessageDate FROM EmailMessages ORDER BY MessageDate) ' +
  'FROM Case WHERE EntitlementId != null AND (IsClosed = false OR ClosedDate = LAST_N_DAYS:7)'

/** A connection to the org: an instance URL and an OAuth access token (docs/deployment.md). */
export function connect({ instanceUrl, accessToken }) {
  return new jsforce.Connection({ instanceUrl, accessToken, version: API_VERSION })
}

// jsforce retries GETs by itself with its own schedule; the job's retry policy (Retry-After,
// backoff, a bounded number of tries) wraps every call instead, so jsforce's is turned off.
const NO_RETRY = { retry: { maxRetries: 0 } }

/** Every record of a SOQL query, following `nextRecordsUrl` until `done` (at most `maxRecords`). */
export async function query(conn, soql, retrying = (what, call) => call(), maxRecords = 1_000_000) {
  const records = []
  let url = `/query?q=${encodeURIComponent(soql)}`
  for (let page = 1; ; page++) {
    const current = url
    const body = await retrying(`Salesforce query page ${page}`, () => conn.request({ method: 'GET', url: current }, NO_RETRY))
    if (!Array.isArray(body?.records)) throw new Error(`Salesforce query page ${page}: the answer has no records`)
    for (const record of body.records) records.push(record)
    if (records.length > maxRecords) throw new Error(`Salesforce query: more than ${maxRecords} records`)
    if (body.done !== false || !body.nextRecordsUrl) return records
    url = body.nextRecordsUrl
  }
}

/** A case's current priority (`GET sobjects/Case/{Id}?fields=Priority`). */
export async function casePriority(conn, caseId) {
  const record = await conn.request({ method: 'GET', url: `/sobjects/Case/${encodeURIComponent(caseId)}?fields=Priority` }, NO_RETRY)
  return record?.Priority ?? null
}

/** Sets a case's priority (`PATCH sobjects/Case/{Id}`: idempotent). */
export async function setCasePriority(conn, caseId, priority) {
  await conn.request(
    {
      method: 'PATCH',
      url: `/sobjects/Case/${encodeURIComponent(caseId)}`,
      body: JSON.stringify({ Priority: priority }),
      headers: { 'content-type': 'application/json' },
    },
    { ...NO_RETRY, noContentResponse: { id: caseId, success: true, errors: [] } },
  )
}

// An empty sub-query comes back as null, not as an empty list.
const sub = (record, name) => record[name]?.records ?? []

/**
 * Case records (with the sub-queries of `CASES_SOQL`) as rule-engine cases: the case id is the
 * record `Id` (what `raise_priority` PATCHes), the case number and priority are case fields.
 */
export function casesFromSoql(records) {
  return records.map((r) => {
    const events = []
    for (const h of sub(r, 'CaseHistories')) {
      const at = h.CreatedDate
      if (h.Field === 'Status') {
        events.push({ at, type: 'status', to: h.NewValue })
        if (h.NewValue === 'Solved') events.push({ at, type: 'solved' })
      } else if (h.Field === 'Severity__c') {
        const change = { at, type: 'field', field: 'severity', to: h.NewValue }
        if (h.OldValue !== null && h.OldValue !== undefined) change.from = h.OldValue
        events.push(change)
      }
    }
    for (const m of sub(r, 'EmailMessages')) {
      events.push({ at: m.MessageDate, type: m.Incoming ? 'customer_reply' : 'agent_reply' })
    }
    if (r.IsClosed && r.ClosedDate) events.push({ at: r.ClosedDate, type: 'closed' })
    return {
      id: r.Id,
      entitlement: r.Entitlement?.Name ?? null,
      created_at: r.CreatedDate,
      fields: {
        case_number: r.CaseNumber ?? null,
        severity: r.Severity__c ?? null,
        subject: r.Subject ?? null,
        priority: r.Priority ?? null,
      },
      events,
    }
  })
}
