// Types of the ES module entry (index.mjs): the same declarations as index.d.ts.
export * from './index.js'
import * as binding from './index.js'
export default binding
