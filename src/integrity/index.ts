// integrity/: tamper evidence. Report signatures (sign.ts, keys.ts), the check of the store's run chain
// (chain.ts; the store seals it, src/store/chain.ts), and the checks `dualrec verify` and the review server
// run (verify.ts). docs/integrity.md.
export * from './chain.js';
export * from './keys.js';
export * from './sign.js';
export * from './verify.js';
