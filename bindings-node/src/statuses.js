// The lists of open milestones of a MonitorReport (`statuses`, `atRisk`, `breached`), made
// without one call into the addon per status: see src/statuses.rs, which compiles this text
// once per module load (napi_run_script) and calls the function it evaluates to. Nothing here
// is global, and nothing here decides a value: every value comes from the addon, either one
// field of one status (`native.field`) or a whole column of instants or durations at once
// (`native.column`, a Float64Array of epoch or duration milliseconds, NaN for null).
//
// A status of such a list is an object of a class whose prototype inherits from
// MilestoneStatus.prototype (so `s instanceof MilestoneStatus`, `s.constructor ===
// MilestoneStatus`), holding its list and its index in private fields. The getters and
// `toJSON` of MilestoneStatus.prototype are replaced by functions that read such a status from
// its list and hand any other receiver to the addon's getter, as before (which reads a
// MilestoneStatus instance, or throws for an object of another class).
(function install(MilestoneStatus, MonitorReport, native, getters) {
  'use strict'
  const P = MilestoneStatus.prototype
  const R = MonitorReport.prototype

  /** One list of one report: `list` 0 = statuses, 1 = atRisk, 2 = breached. */
  class Rows {
    constructor(report, list, columns) {
      this.report = report
      this.list = list
      // One entry per column: undefined until first read, then a Float64Array, or null when
      // the addon wrote none (a value out of range: each read then throws as it did).
      this.columns = new Array(columns).fill(undefined)
    }
  }

  let isView, rowsOf, indexOf
  class View {
    #rows
    #index
    constructor(rows, index) {
      this.#rows = rows
      this.#index = index
    }
    static {
      isView = (o) => typeof o === 'object' && o !== null && #index in o
      rowsOf = (o) => o.#rows
      indexOf = (o) => o.#index
    }
  }
  Object.setPrototypeOf(View.prototype, P)
  // `s.constructor` is MilestoneStatus, as for the addon's own instances.
  delete View.prototype.constructor

  const column = (rows, c) => {
    let values = rows.columns[c]
    if (values === undefined) values = rows.columns[c] = native.column(rows.report, rows.list, c)
    return values
  }
  const field = (o, f) => {
    const rows = rowsOf(o)
    return native.field(rows.report, rows.list, indexOf(o), f)
  }

  let columns = 0
  // getters: [name, field index, column index or -1, 'instant' | 'duration' | null]
  for (const [name, f, c, kind] of getters) {
    const d = Object.getOwnPropertyDescriptor(P, name)
    const own = d.get
    let get
    if (c < 0) {
      get = function () {
        return isView(this) ? field(this, f) : own.call(this)
      }
    } else {
      columns = Math.max(columns, c + 1)
      const instant = kind === 'instant'
      get = function () {
        if (!isView(this)) return own.call(this)
        const values = column(rowsOf(this), c)
        if (values === null) return field(this, f)
        const x = values[indexOf(this)]
        // eslint-disable-next-line no-self-compare
        if (x !== x) return null
        return instant ? new Date(x) : x
      }
    }
    Object.defineProperty(P, name, { get, set: undefined, enumerable: d.enumerable, configurable: d.configurable })
  }
  const toJSON = Object.getOwnPropertyDescriptor(P, 'toJSON')
  const ownToJSON = toJSON.value
  Object.defineProperty(P, 'toJSON', {
    ...toJSON,
    value: {
      toJSON() {
        if (!isView(this)) return ownToJSON.call(this)
        const rows = rowsOf(this)
        return native.json(rows.report, rows.list, indexOf(this))
      },
    }.toJSON,
  })

  // Each list is made on its first read and kept on the report, as the addon's getter did.
  for (const [name, list] of [
    ['statuses', 0],
    ['atRisk', 1],
    ['breached', 2],
  ]) {
    const d = Object.getOwnPropertyDescriptor(R, name)
    const own = d.get
    const get = function () {
      const n = native.rows(this, list)
      if (n < 0) return own.call(this)
      const rows = new Rows(this, list, columns)
      const out = new Array(n)
      for (let i = 0; i < n; i++) out[i] = new View(rows, i)
      Object.defineProperty(this, name, { value: out, writable: false, enumerable: false, configurable: true })
      return out
    }
    Object.defineProperty(R, name, { get, set: undefined, enumerable: d.enumerable, configurable: d.configurable })
  }
})
